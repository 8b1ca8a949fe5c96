import torch


def forward(params, x):
    """Functional MLP: params = [W1, b1, W2, b2, ...]; tanh between layers, linear output.
    This function is correct."""
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i].T + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return h


def mse(pred, target):
    """Mean squared error over all elements. This function is correct."""
    return ((pred - target) ** 2).mean()


def maml_train(params, task_batches, inner_lr, inner_steps, outer_lr):
    """Meta-train an initialisation with second-order MAML and SGD as the outer optimiser.

    params: list of tensors, the starting initialisation (not modified).
    task_batches: list of meta-batches; each meta-batch is a list of task dicts with
        "x_support", "y_support", "x_query", "y_query".
    Returns {"params": the meta-parameters after one outer step per meta-batch,
             "meta_losses": the meta-loss (a float) of each outer step, before its update}.
    """
    meta_params = [p.detach().clone().requires_grad_(True) for p in params]
    opt = torch.optim.SGD(meta_params, lr=outer_lr)
    history = []
    for tasks in task_batches:
        meta_loss = 0.0
        for task in tasks:
            fast = meta_params
            for _ in range(inner_steps):
                support_loss = mse(forward(fast, task["x_support"]), task["y_support"])
                grads = torch.autograd.grad(support_loss, fast)
                for p, g in zip(fast, grads):
                    p.data -= inner_lr * g
            meta_loss = meta_loss + mse(forward(fast, task["x_query"]), task["y_query"])
        meta_loss.backward()
        opt.step()
        history.append(meta_loss.item())
    return {"params": [p.detach().clone() for p in meta_params], "meta_losses": history}
