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


def meta_sgd_meta_gradient(params, alphas, tasks):
    """Meta-SGD: one inner step phi = theta - alpha * grad L_support(theta) (element-wise).

    params: list of tensors theta; alphas: list of tensors with the same shapes (read-only both).
    tasks: list of dicts "x_support", "y_support", "x_query", "y_query".
    Returns (meta_loss, grad_theta, grad_alpha): the mean over tasks of the query loss at phi,
    and its gradients with respect to theta and alpha (lists shaped like params / alphas).
    """
    # TODO: differentiable copies of theta and alpha
    # TODO: per task: support gradient (keep its graph), phi = theta - alpha * grad
    # TODO: mean query loss; gradients with respect to theta and alpha
    raise NotImplementedError
