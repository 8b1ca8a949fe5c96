"""Reference: Elastic Weight Consolidation (Kirkpatrick et al., 2017, arXiv:1612.00796).

The diagonal empirical Fisher: the mean over the old task's examples of the squared per-example
gradient of log p(y_n | x_n; theta) with the observed label, at the current parameters; and the
quadratic penalty (lambda / 2) * sum_k F_k (theta_k - theta*_k)^2.
"""

import torch
import torch.nn.functional as F


def fisher_diagonal(model, inputs, targets):
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    params = [p for p in model.parameters() if p.requires_grad]
    fisher = [torch.zeros_like(p, memory_format=torch.contiguous_format) for p in params]
    n = inputs.shape[0]
    for i in range(n):
        log_probs = F.log_softmax(model(inputs[i:i + 1]), dim=1)
        log_lik = log_probs[0, targets[i]]
        grads = torch.autograd.grad(log_lik, params, allow_unused=True)
        for f, g in zip(fisher, grads, strict=True):
            if g is not None:
                f += g.detach() ** 2
    return {name: f / n for name, f in zip(names, fisher, strict=True)}


def ewc_penalty(model, fisher, old_params, lam):
    params = dict(model.named_parameters())
    total = None
    for name, f in fisher.items():
        term = (f.detach() * (params[name] - old_params[name].detach()) ** 2).sum()
        total = term if total is None else total + term
    return 0.5 * lam * total
