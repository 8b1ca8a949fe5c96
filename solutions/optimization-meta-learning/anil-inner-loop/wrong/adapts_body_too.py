"""Mistake: the inner loop adapts every parameter, body included: this is full MAML, not ANIL."""

import torch


def features(body, x):
    h = x
    for i in range(len(body) // 2):
        h = torch.tanh(h @ body[2 * i].T + body[2 * i + 1])
    return h


def head_forward(head, f):
    return f @ head[0].T + head[1]


def mse(pred, target):
    return ((pred - target) ** 2).mean()


def _all(params):
    return params["body"] + params["head"]


def anil_adapt(params, x_support, y_support, inner_lr, inner_steps):
    nb = len(params["body"])
    fast = [p.detach().clone().requires_grad_(True) for p in _all(params)]
    for _ in range(inner_steps):
        loss = mse(head_forward(fast[nb:], features(fast[:nb], x_support)), y_support)
        grads = torch.autograd.grad(loss, fast)
        fast = [(w - inner_lr * g).detach().requires_grad_(True) for w, g in zip(fast, grads)]
    return {"body": [w.detach() for w in fast[:nb]], "head": [w.detach() for w in fast[nb:]]}


def anil_meta_gradient(params, tasks, inner_lr, inner_steps):
    nb = len(params["body"])
    theta = [p.detach().clone().requires_grad_(True) for p in _all(params)]
    losses = []
    for task in tasks:
        fast = list(theta)
        for _ in range(inner_steps):
            loss = mse(head_forward(fast[nb:], features(fast[:nb], task["x_support"])),
                       task["y_support"])
            grads = torch.autograd.grad(loss, fast, create_graph=True)
            fast = [w - inner_lr * g for w, g in zip(fast, grads)]
        losses.append(mse(head_forward(fast[nb:], features(fast[:nb], task["x_query"])),
                          task["y_query"]))
    meta_loss = torch.stack(losses).mean()
    grads = torch.autograd.grad(meta_loss, theta)
    return meta_loss.detach(), {"body": [g.detach() for g in grads[:nb]],
                                "head": [g.detach() for g in grads[nb:]]}
