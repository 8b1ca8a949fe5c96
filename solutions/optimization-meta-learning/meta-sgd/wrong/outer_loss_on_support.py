"""Mistake: the meta-loss is evaluated on the support set again instead of the query set, so
the learning rates are tuned to fit the training examples rather than to generalise."""

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


def meta_sgd_meta_gradient(params, alphas, tasks):
    theta = [p.detach().clone().requires_grad_(True) for p in params]
    alpha = [a.detach().clone().requires_grad_(True) for a in alphas]
    losses = []
    for task in tasks:
        support_loss = mse(forward(theta, task["x_support"]), task["y_support"])
        grads = torch.autograd.grad(support_loss, theta, create_graph=True)
        fast = [w - a * g for w, a, g in zip(theta, alpha, grads)]
        losses.append(mse(forward(fast, task["x_support"]), task["y_support"]))
    meta_loss = torch.stack(losses).mean()
    grads = torch.autograd.grad(meta_loss, theta + alpha)
    n = len(theta)
    return (meta_loss.detach(), [g.detach() for g in grads[:n]],
            [g.detach() for g in grads[n:]])
