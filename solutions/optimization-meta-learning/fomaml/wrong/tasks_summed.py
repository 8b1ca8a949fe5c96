"""Mistake: the per-task gradients are summed, not averaged over the meta-batch."""

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
    theta = [p.detach().clone() for p in params]
    total = [torch.zeros_like(p) for p in theta]
    losses = []
    for task in tasks:
        fast = [p.clone() for p in theta]
        for _ in range(inner_steps):
            fast = [w.requires_grad_(True) for w in fast]
            support_loss = mse(forward(fast, task["x_support"]), task["y_support"])
            grads = torch.autograd.grad(support_loss, fast)
            fast = [(w - inner_lr * g).detach() for w, g in zip(fast, grads)]
        fast = [w.detach().requires_grad_(True) for w in fast]
        query_loss = mse(forward(fast, task["x_query"]), task["y_query"])
        grads = torch.autograd.grad(query_loss, fast)
        total = [t + g for t, g in zip(total, grads)]
        losses.append(query_loss.detach())
    n = len(tasks)
    return torch.stack(losses).mean(), total
