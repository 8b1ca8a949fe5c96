"""Mistake: the inner loop updates the caller's parameter tensors in place (p.data -= ...) and
restores nothing: theta is overwritten, gradients are left in p.grad, and every task after the
first adapts from where the previous one stopped."""

import torch


def forward(params, x):
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i].T + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return h


def mse(pred, target):
    return ((pred - target) ** 2).mean()


def fomaml_meta_gradient(params, tasks, inner_lr, inner_steps):
    fast = [p.requires_grad_(True) for p in params]
    total = [torch.zeros_like(p) for p in fast]
    losses = []
    for task in tasks:
        for _ in range(inner_steps):
            for w in fast:
                w.grad = None
            mse(forward(fast, task["x_support"]), task["y_support"]).backward()
            for w in fast:
                w.data -= inner_lr * w.grad
        for w in fast:
            w.grad = None
        query_loss = mse(forward(fast, task["x_query"]), task["y_query"])
        query_loss.backward()
        total = [t + w.grad for t, w in zip(total, fast)]
        losses.append(query_loss.detach())
    n = len(tasks)
    return torch.stack(losses).mean(), [t / n for t in total]
