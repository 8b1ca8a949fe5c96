"""Mistake: the tasks are adapted one after another from the same fast weights, so task i+1
starts from phi_i instead of theta (sequential fine-tuning, not a batched Reptile step)."""

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
    phi = theta
    for task in tasks:
        phi = adapt(phi, task, inner_lr, inner_steps)
        total = [t + (f - p) for t, f, p in zip(total, phi, theta)]
    n = len(tasks)
    return [p + epsilon * t / n for p, t in zip(theta, total)]
