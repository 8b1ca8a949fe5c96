"""Mistake: the differences phi_i - theta are summed over the tasks instead of averaged, so the
step grows with the number of tasks."""

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


def adapt(theta, task, inner_lr, inner_steps):
    fast = [p.clone() for p in theta]
    for _ in range(inner_steps):
        fast = [w.requires_grad_(True) for w in fast]
        loss = mse(forward(fast, task["x"]), task["y"])
        grads = torch.autograd.grad(loss, fast)
        fast = [(w - inner_lr * g).detach() for w, g in zip(fast, grads)]
    return fast


def reptile_update(params, tasks, inner_lr, inner_steps, epsilon):
    theta = [p.detach().clone() for p in params]
    total = [torch.zeros_like(p) for p in theta]
    for task in tasks:
        phi = adapt(theta, task, inner_lr, inner_steps)
        total = [t + (f - p) for t, f, p in zip(total, phi, theta)]
    n = len(tasks)
    return [p + epsilon * t for p, t in zip(theta, total)]
