"""Mistake: the inner loop updates the parameter tensors in place through .data
(w.data -= alpha * g): the caller's meta-parameters are overwritten by the adapted ones, each task
starts where the previous one stopped, and the second-order term is lost."""

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


def maml_meta_gradient(params, tasks, inner_lr, inner_steps):
    theta = [p if p.requires_grad else p.requires_grad_(True) for p in params]
    losses = []
    for task in tasks:
        for _ in range(inner_steps):
            support_loss = mse(forward(theta, task["x_support"]), task["y_support"])
            grads = torch.autograd.grad(support_loss, theta)
            for w, g in zip(theta, grads):
                w.data -= inner_lr * g
        losses.append(mse(forward(theta, task["x_query"]), task["y_query"]))
    meta_loss = torch.stack(losses).mean()
    meta_grads = torch.autograd.grad(meta_loss, theta)
    return meta_loss.detach(), [g.detach() for g in meta_grads]
