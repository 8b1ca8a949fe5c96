"""Reference: ANIL (Raghu et al. 2020, arXiv:1909.09157): only the head adapts in the inner loop,
the meta-gradient reaches body and head through the (second-order) head updates."""

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


def _adapt_head(head, f_support, y_support, inner_lr, inner_steps, create_graph):
    fast = list(head)
    for _ in range(inner_steps):
        loss = mse(head_forward(fast, f_support), y_support)
        grads = torch.autograd.grad(loss, fast, create_graph=create_graph)
        fast = [w - inner_lr * g for w, g in zip(fast, grads)]
    return fast


def anil_adapt(params, x_support, y_support, inner_lr, inner_steps):
    body = [p.detach().clone() for p in params["body"]]
    head = [p.detach().clone().requires_grad_(True) for p in params["head"]]
    f_support = features(body, x_support)
    fast = _adapt_head(head, f_support, y_support, inner_lr, inner_steps, create_graph=False)
    return {"body": body, "head": [w.detach() for w in fast]}


def anil_meta_gradient(params, tasks, inner_lr, inner_steps):
    body = [p.detach().clone().requires_grad_(True) for p in params["body"]]
    head = [p.detach().clone().requires_grad_(True) for p in params["head"]]
    losses = []
    for task in tasks:
        f_support = features(body, task["x_support"])
        fast = _adapt_head(head, f_support, task["y_support"], inner_lr, inner_steps,
                           create_graph=True)
        f_query = features(body, task["x_query"])
        losses.append(mse(head_forward(fast, f_query), task["y_query"]))
    meta_loss = torch.stack(losses).mean()
    grads = torch.autograd.grad(meta_loss, body + head)
    nb = len(body)
    return meta_loss.detach(), {"body": [g.detach() for g in grads[:nb]],
                                "head": [g.detach() for g in grads[nb:]]}
