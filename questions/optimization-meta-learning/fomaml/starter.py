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


def fomaml_meta_gradient(params, tasks, inner_lr, inner_steps):
    """First-order MAML meta-gradient for one meta-batch of tasks.

    params: list of tensors (the initialisation theta); read-only.
    tasks: list of dicts with "x_support" (Ns, D), "y_support" (Ns, O),
           "x_query" (Nq, D), "y_query" (Nq, O).
    inner_lr: float alpha; inner_steps: int K >= 0 of plain SGD on the support loss.

    Returns (meta_loss, meta_grads): meta_loss is the scalar mean over tasks of the query loss at
    the adapted parameters phi_i; meta_grads is a list shaped like params holding
    mean_i grad L_query_i evaluated at phi_i (no differentiation through the inner loop).
    """
    # TODO: for each task, start from a copy of theta and take K SGD steps on the support loss
    # TODO: gradient of the query loss with respect to the adapted parameters
    # TODO: average over tasks
    raise NotImplementedError
