"""Mistake: differentiates through the inner loop (create_graph=True): this is full
second-order MAML, not the first-order approximation that was asked for."""

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
    theta = [p.detach().clone().requires_grad_(True) for p in params]
    losses = []
    for task in tasks:
        fast = list(theta)
        for _ in range(inner_steps):
            support_loss = mse(forward(fast, task["x_support"]), task["y_support"])
            grads = torch.autograd.grad(support_loss, fast, create_graph=True)
            fast = [w - inner_lr * g for w, g in zip(fast, grads)]
        losses.append(mse(forward(fast, task["x_query"]), task["y_query"]))
    meta_loss = torch.stack(losses).mean()
    return meta_loss.detach(), [g.detach() for g in torch.autograd.grad(meta_loss, theta)]
