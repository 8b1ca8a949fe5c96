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


def imaml_meta_gradient(phi, task, lam, cg_steps):
    """Implicit MAML meta-gradient of one task at the adapted parameters phi.

    phi: list of tensors (the inner solution); read-only, leave no .grad on it.
    task: dict "x_support", "y_support", "x_query", "y_query".
    lam: the proximal strength lambda > 0; cg_steps: max number of conjugate-gradient iterations.

    Returns v (list shaped like phi), the CG approximation, started from v = 0, of the solution of
        (I + H / lam) v = grad_phi L_query(phi),   H = Hessian of L_support at phi,
    using Hessian-vector products only (never form H).
    """
    # TODO: b = gradient of the query loss at phi
    # TODO: a function v -> v + H v / lam using double backward on the support loss
    # TODO: conjugate gradient from x = 0 for at most cg_steps iterations
    raise NotImplementedError
