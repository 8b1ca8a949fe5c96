"""Mistake: create_graph=True was added but the inner update still writes into the
meta-parameters through .data, so they drift during adaptation and the graph to theta is lost."""

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


def maml_train(params, task_batches, inner_lr, inner_steps, outer_lr):
    meta_params = [p.detach().clone().requires_grad_(True) for p in params]
    opt = torch.optim.SGD(meta_params, lr=outer_lr)
    history = []
    for tasks in task_batches:
        opt.zero_grad()
        query_losses = []
        for task in tasks:
            fast = list(meta_params)
            for _ in range(inner_steps):
                support_loss = mse(forward(fast, task["x_support"]), task["y_support"])
                grads = torch.autograd.grad(support_loss, fast, create_graph=True)
                for w, g in zip(fast, grads):
                    w.data -= inner_lr * g
            query_losses.append(mse(forward(fast, task["x_query"]), task["y_query"]))
        meta_loss = torch.stack(query_losses).mean()
        meta_loss.backward()
        opt.step()
        history.append(meta_loss.item())
    return {"params": [p.detach().clone() for p in meta_params], "meta_losses": history}
