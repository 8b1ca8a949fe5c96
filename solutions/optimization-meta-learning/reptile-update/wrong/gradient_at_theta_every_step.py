"""Mistake: every inner step reuses the gradient at theta, so phi = theta - k*alpha*grad L(theta)
and Reptile collapses to joint training; the gradients at later points of the trajectory,
which carry the meta-learning signal, are never computed."""

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
    start = [p.clone().requires_grad_(True) for p in theta]
    grads = torch.autograd.grad(mse(forward(start, task["x"]), task["y"]), start)
    fast = [p.clone() for p in theta]
    for _ in range(inner_steps):
        fast = [w - inner_lr * g for w, g in zip(fast, grads)]
    return fast


def reptile_update(params, tasks, inner_lr, inner_steps, epsilon):
    theta = [p.detach().clone() for p in params]
    total = [torch.zeros_like(p) for p in theta]
    for task in tasks:
        phi = adapt(theta, task, inner_lr, inner_steps)
        total = [t + (f - p) for t, f, p in zip(total, phi, theta)]
    n = len(tasks)
    return [p + epsilon * t / n for p, t in zip(theta, total)]
