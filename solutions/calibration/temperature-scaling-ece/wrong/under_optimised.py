"""Mistake: the temperature is fitted with a tiny learning rate and a fixed small budget
(L-BFGS, lr=0.01, 50 iterations, no line search), which stops far from the NLL minimum."""

import torch
import torch.nn.functional as F


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, n_bins: int = 15):
    probs = probs.detach().to(torch.float64)
    conf, pred = probs.max(dim=-1)
    correct = (pred == labels).to(torch.float64)
    n = probs.shape[0]
    edges = torch.linspace(0.0, 1.0, n_bins + 1, dtype=torch.float64)
    ece = torch.zeros((), dtype=torch.float64)
    for m in range(n_bins):
        lo, hi = edges[m], edges[m + 1]
        in_bin = (conf > lo) & (conf <= hi)
        if m == 0:
            in_bin = in_bin | (conf == 0.0)       # the first bin is [0, 1/M]
        count = int(in_bin.sum())
        if count == 0:
            continue
        gap = (correct[in_bin].mean() - conf[in_bin].mean()).abs()
        ece = ece + gap * count / n
    return ece


def fit_temperature(logits, labels):
    t = torch.ones(1, dtype=logits.dtype, requires_grad=True)
    opt = torch.optim.LBFGS([t], lr=0.01, max_iter=50)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / t, labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(t.detach())
