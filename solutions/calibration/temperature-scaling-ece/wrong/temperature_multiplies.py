"""Mistake: the fitted parameter multiplies the logits (softmax(T * z)) and is returned as the
temperature, so the result is the inverse of the temperature the task defines."""

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
    z = logits.detach().to(torch.float64)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=1.0, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(z * log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp())
