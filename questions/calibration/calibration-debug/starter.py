"""Calibration report: ECE and NLL of a classifier before and after temperature scaling.
(It has bugs: find and fix them.)"""

import torch
import torch.nn.functional as F


def expected_calibration_error(probs, labels, n_bins=15):
    """Expected calibration error with n_bins equal-width confidence bins."""
    confidences, predictions = probs.max(dim=1)
    correct = (predictions == labels).to(probs.dtype)
    bin_ids = (confidences * n_bins).long()          # bin of each example
    gaps = []
    for b in range(n_bins):
        in_bin = bin_ids == b
        if in_bin.any():
            gaps.append((correct[in_bin].mean() - confidences[in_bin].mean()).abs())
    return float(torch.stack(gaps).mean())


def fit_temperature(logits, labels):
    """The temperature minimising the NLL of softmax(logits / T) on held-out logits."""
    z = logits.detach().to(torch.float64)
    inv_t = torch.ones(1, dtype=torch.float64, requires_grad=True)  # 1 / T: the NLL is convex in it
    optimizer = torch.optim.LBFGS([inv_t], lr=1.0, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(z * inv_t, labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    return 1.0 / inv_t.item()


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).double().mean().item()


def calibration_report(train_logits, train_labels, val_logits, val_labels, test_logits,
                       test_labels, n_bins=15):
    """Accuracy, NLL and ECE of the test split before and after temperature scaling."""
    temperature = fit_temperature(train_logits, train_labels)
    probs_before = F.softmax(test_logits, dim=1)
    probs_after = F.softmax(test_logits / temperature, dim=1)
    return {
        "temperature": temperature,
        "train_accuracy": accuracy(train_logits, train_labels),
        "test_accuracy": accuracy(test_logits, test_labels),
        "nll_before": F.cross_entropy(probs_before, test_labels).item(),
        "nll_after": F.cross_entropy(probs_after, test_labels).item(),
        "ece_before": expected_calibration_error(probs_before, test_labels, n_bins),
        "ece_after": expected_calibration_error(probs_after, test_labels, n_bins),
    }
