"""Mistake: approximates the inverse with cg_steps terms of a Neumann series
sum_j (-H/lambda)^j g instead of running conjugate gradient: a different (and, when
||H/lambda|| >= 1, divergent) approximation."""

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


def _dot(xs, ys):
    return sum((x * y).sum() for x, y in zip(xs, ys))


def imaml_meta_gradient(phi, task, lam, cg_steps):
    fast = [p.detach().clone().requires_grad_(True) for p in phi]
    query_loss = mse(forward(fast, task["x_query"]), task["y_query"])
    b = [g.detach() for g in torch.autograd.grad(query_loss, fast)]
    support_loss = mse(forward(fast, task["x_support"]), task["y_support"])
    grad_s = torch.autograd.grad(support_loss, fast, create_graph=True)

    def apply_a(v):
        hv = torch.autograd.grad(grad_s, fast, grad_outputs=v, retain_graph=True)
        return [vi + hvi.detach() / lam for vi, hvi in zip(v, hv)]

    x = [bi.clone() for bi in b]
    term = [bi.clone() for bi in b]
    for _ in range(max(cg_steps - 1, 0)):
        hv = [ai - ti for ai, ti in zip(apply_a(term), term)]
        term = [-h for h in hv]
        x = [xi + ti for xi, ti in zip(x, term)]
    return x
