"""Mistake: the ECE averages the gaps of the non-empty bins with equal weight instead of weighting
each bin by its share of the examples (every other bug fixed)."""

import math

import torch
import torch.nn.functional as F


def expected_calibration_error(probs, labels, n_bins=15):
    confidences, predictions = probs.max(dim=1)
    correct = (predictions == labels).to(probs.dtype)
    bin_ids = (confidences * n_bins).long().clamp(max=n_bins - 1)
    gaps = []
    for b in range(n_bins):
        in_bin = bin_ids == b
        if in_bin.any():
            gaps.append((correct[in_bin].mean() - confidences[in_bin].mean()).abs())
    return float(torch.stack(gaps).mean())


def _slope(beta, z, labels):
    """d/d beta of the mean NLL of softmax(beta * z)."""
    p = torch.softmax(beta * z, dim=-1)
    return float(((p * z).sum(-1) - z.gather(1, labels[:, None])[:, 0]).mean())


def fit_temperature(logits, labels):
    z = logits.detach().to(torch.float64)
    lo, hi = math.log(1.0 / 20.0), math.log(1.0 / 0.05)
    if _slope(math.exp(lo), z, labels) >= 0:
        return 20.0
    if _slope(math.exp(hi), z, labels) <= 0:
        return 0.05
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
