"""Mistake made while fixing: the fit was made positive (log 1/T) but uses the small budget of a
well-known temperature-scaling script (L-BFGS with lr=0.01, 50 iterations, no line search), which
stops far from the NLL minimum."""

import torch
import torch.nn.functional as F


def expected_calibration_error(probs, labels, n_bins=15):
    confidences, predictions = probs.max(dim=1)
    correct = (predictions == labels).to(probs.dtype)
    bin_ids = (confidences * n_bins).long().clamp(max=n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        in_bin = bin_ids == b
        if in_bin.any():
            gap = float((correct[in_bin].mean() - confidences[in_bin].mean()).abs())
            ece += gap * int(in_bin.sum()) / len(labels)
    return ece


def fit_temperature(logits, labels):
    z = logits.detach().to(torch.float64)
    log_inv_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_inv_t], lr=0.01, max_iter=50)

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(z * log_inv_t.exp(), labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    return min(max(1.0 / log_inv_t.exp().item(), 0.05), 20.0)


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).double().mean().item()


def calibration_report(train_logits, train_labels, val_logits, val_labels, test_logits,
                       test_labels, n_bins=15):
    temperature = fit_temperature(val_logits, val_labels)
    probs_before = F.softmax(test_logits, dim=1)
    probs_after = F.softmax(test_logits / temperature, dim=1)
    return {
        "temperature": temperature,
        "train_accuracy": accuracy(train_logits, train_labels),
        "test_accuracy": accuracy(test_logits, test_labels),
        "nll_before": F.cross_entropy(test_logits, test_labels).item(),
        "nll_after": F.cross_entropy(test_logits / temperature, test_labels).item(),
        "ece_before": expected_calibration_error(probs_before, test_labels, n_bins),
        "ece_after": expected_calibration_error(probs_after, test_labels, n_bins),
    }
