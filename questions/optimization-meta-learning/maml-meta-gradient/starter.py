import torch


def forward(params, x):
    """The model, written functionally: params = [W1, b1, W2, b2, ...] (W_i of shape (out, in),
    b_i of shape (out,)); tanh between layers, no activation after the last layer.
    Two tensors [W, b] give plain linear regression. Do not change this function."""
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i].T + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return h


def mse(pred, target):
    """Mean squared error, averaged over every element."""
    return ((pred - target) ** 2).mean()


def maml_meta_gradient(params, tasks, inner_lr, inner_steps):
    """Second-order MAML meta-gradient for one meta-batch of tasks.

    params: list of tensors (the initialisation theta); read-only.
    tasks: list of dicts with "x_support" (Ns, D), "y_support" (Ns, O),
           "x_query" (Nq, D), "y_query" (Nq, O).
    inner_lr: float alpha; inner_steps: int K >= 0 of plain SGD on the support loss.

    Returns (meta_loss, meta_grads): meta_loss is the scalar mean over tasks of the query loss
    at the adapted parameters; meta_grads is a list of tensors shaped like params holding
    d meta_loss / d theta, differentiating through the inner updates.
    """
    # TODO: make differentiable copies of params (do not modify the caller's tensors)
    # TODO: for each task, K inner SGD steps on the support loss, keeping the graph
    # TODO: query loss at the adapted parameters; average over tasks
    # TODO: gradient of the meta-loss with respect to theta
    raise NotImplementedError
