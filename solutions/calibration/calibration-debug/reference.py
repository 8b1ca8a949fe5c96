"""Reference: temperature scaling and ECE as in Guo et al. (2017), arXiv:1706.04599. The
temperature is fitted on the validation split, bounded to [0.05, 20] (bisection on the sign of
the NLL's derivative in log(1/T)); ECE bins are (lo, hi] and weighted by their share of examples."""

import math

import torch
import torch.nn.functional as F

T_MIN, T_MAX = 0.05, 20.0


def expected_calibration_error(probs, labels, n_bins=15):
    probs = probs.detach().to(torch.float64)
    confidences, predictions = probs.max(dim=1)
    correct = (predictions == labels).to(torch.float64)
    n = probs.shape[0]
    edges = torch.linspace(0.0, 1.0, n_bins + 1, dtype=torch.float64)
    ece = 0.0
    for m in range(n_bins):
        in_bin = (confidences > edges[m]) & (confidences <= edges[m + 1])
        if m == 0:
            in_bin |= confidences == 0.0
        count = int(in_bin.sum())
        if count:
            gap = abs(float(correct[in_bin].mean()) - float(confidences[in_bin].mean()))
            ece += gap * count / n
    return ece


def _slope(beta, z, labels):
    """d/d beta of the mean NLL of softmax(beta * z): increasing in beta (the NLL is convex)."""
    p = torch.softmax(beta * z, dim=-1)
    return float(((p * z).sum(-1) - z.gather(1, labels[:, None])[:, 0]).mean())


def fit_temperature(logits, labels):
    z = logits.detach().to(torch.float64)
    lo, hi = math.log(1.0 / T_MAX), math.log(1.0 / T_MIN)      # the interval in log(beta)
    if _slope(math.exp(lo), z, labels) >= 0:
        return T_MAX                    # the NLL rises with beta over the whole interval
    if _slope(math.exp(hi), z, labels) <= 0:
        return T_MIN                    # the NLL falls with beta over the whole interval
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if _slope(math.exp(mid), z, labels) > 0:
            hi = mid
        else:
            lo = mid
    return 1.0 / math.exp(0.5 * (lo + hi))


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).double().mean().item()


def calibration_report(train_logits, train_labels, val_logits, val_labels, test_logits,
                       test_labels, n_bins=15):
    temperature = fit_temperature(val_logits, val_labels)
    return {
        "temperature": temperature,
        "train_accuracy": accuracy(train_logits, train_labels),
        "test_accuracy": accuracy(test_logits, test_labels),
        "nll_before": F.cross_entropy(test_logits, test_labels).item(),
        "nll_after": F.cross_entropy(test_logits / temperature, test_labels).item(),
        "ece_before": expected_calibration_error(F.softmax(test_logits, dim=1), test_labels, n_bins),
        "ece_after": expected_calibration_error(F.softmax(test_logits / temperature, dim=1),
                                                test_labels, n_bins),
    }
