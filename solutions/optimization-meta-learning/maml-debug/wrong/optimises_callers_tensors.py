"""Mistake: the meta-parameters are the caller's own tensors (requires_grad_ instead of a
detached clone), so the outer SGD step overwrites the initialisation that was passed in."""

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
    meta_params = [p.requires_grad_(True) for p in params]
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
                fast = [w - inner_lr * g for w, g in zip(fast, grads)]
            query_losses.append(mse(forward(fast, task["x_query"]), task["y_query"]))
        meta_loss = torch.stack(query_losses).mean()
        meta_loss.backward()
        opt.step()
        history.append(meta_loss.item())
    return {"params": [p.detach().clone() for p in meta_params], "meta_losses": history}
