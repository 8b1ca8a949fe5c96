import torch


def features(body, x):
    """The backbone: body = [W1, b1, W2, b2, ...], each layer followed by tanh. Do not change."""
    h = x
    for i in range(len(body) // 2):
        h = torch.tanh(h @ body[2 * i].T + body[2 * i + 1])
    return h


def head_forward(head, f):
    """The linear head: head = [W, b], W of shape (O, F), b of shape (O,). Do not change."""
    return f @ head[0].T + head[1]


def mse(pred, target):
    """Mean squared error, averaged over every element."""
    return ((pred - target) ** 2).mean()


def anil_adapt(params, x_support, y_support, inner_lr, inner_steps):
    """ANIL inner loop for one task.

    params: {"body": [...], "head": [W, b]} (read-only).
    Returns {"body": [...], "head": [...]}: the body exactly as given and the head after
    inner_steps gradient steps of size inner_lr on mse(head_forward(head, features(body, x)), y).
    """
    # TODO: compute the support features once; adapt only the head
    raise NotImplementedError


def anil_meta_gradient(params, tasks, inner_lr, inner_steps):
    """ANIL meta-gradient for a meta-batch of tasks.

    tasks: list of dicts "x_support", "y_support", "x_query", "y_query".
    Returns (meta_loss, {"body": grads like params["body"], "head": grads like params["head"]}),
    meta_loss = mean over tasks of the query loss after head-only adaptation; the gradient is
    taken through the inner head updates (second order) with respect to body and head.
    """
    # TODO: differentiable copies of body and head
    # TODO: per task, head-only inner loop with a graph; query loss with the adapted head
    # TODO: average over tasks; gradient w.r.t. body and head
    raise NotImplementedError
