"""Mistake: uses the Hessian of the regularised inner objective, H + lambda*I, inside the
system, which gives (2I + H/lambda) v = g: the proximal term is counted twice."""

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
        return [vi + (hvi.detach() + lam * vi) / lam for vi, hvi in zip(v, hv)]

    x = [torch.zeros_like(bi) for bi in b]
    r = [bi.clone() for bi in b]
    p = [bi.clone() for bi in b]
    rr = _dot(r, r)
    stop = 1e-12 * rr
    for _ in range(cg_steps):
        if rr <= stop or rr == 0:
            break
        ap = apply_a(p)
        step = rr / _dot(p, ap)
        x = [xi + step * pi for xi, pi in zip(x, p)]
        r = [ri - step * api for ri, api in zip(r, ap)]
        rr_new = _dot(r, r)
        p = [ri + (rr_new / rr) * pi for ri, pi in zip(r, p)]
        rr = rr_new
    return x
