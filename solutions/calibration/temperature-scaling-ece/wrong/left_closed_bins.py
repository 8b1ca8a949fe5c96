"""Mistake: the bins are closed on the left, [lo, hi), so a confidence exactly on an edge goes to the
upper bin and a confidence of exactly 1.0 falls outside every bin."""

import torch


def expected_calibration_error(probs, labels, n_bins=15):
    probs = probs.detach().to(torch.float64)
    conf, pred = probs.max(dim=-1)
    correct = (pred == labels).to(torch.float64)
    edges = torch.linspace(0.0, 1.0, n_bins + 1, dtype=torch.float64)
    ece = torch.zeros((), dtype=torch.float64)
    for m in range(n_bins):
        in_bin = (conf >= edges[m]) & (conf < edges[m + 1])
        if in_bin.any():
            ece = ece + (correct[in_bin].mean() - conf[in_bin].mean()).abs() * in_bin.sum() / len(conf)
    return ece


def _nll_slope(beta, z, labels):
    """d/d beta of the mean NLL of softmax(beta * z); increasing in beta (the NLL is convex)."""
    p = torch.softmax(beta * z, dim=-1)
    return ((p * z).sum(-1) - z.gather(1, labels[:, None])[:, 0]).mean()


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    z = logits.detach().to(torch.float64)
    # The mean NLL is convex in beta = 1/T: bisect on the sign of its derivative (in log beta).
    lo, hi = -12.0, 12.0
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        if float(_nll_slope(torch.exp(torch.tensor(mid, dtype=torch.float64)), z, labels)) > 0:
            hi = mid
        else:
            lo = mid
    beta = float(torch.exp(torch.tensor(0.5 * (lo + hi), dtype=torch.float64)))
    return 1.0 / beta
