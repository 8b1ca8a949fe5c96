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


def reptile_update(params, tasks, inner_lr, inner_steps, epsilon):
    """One batched Reptile outer step.

    params: list of tensors theta (read-only).
    tasks: list of dicts with "x" (N, D) and "y" (N, O), each task's training data.
    inner_lr: alpha; inner_steps: k >= 0 full-batch gradient steps on mse(forward(phi, x), y).
    epsilon: outer step size.

    Returns the new initialisation theta + epsilon * mean_i (phi_i - theta) as a list of tensors.
    """
    # TODO: for each task, k gradient steps from a fresh copy of theta -> phi_i
    # TODO: average phi_i - theta over the tasks and move theta by epsilon times that
    raise NotImplementedError
