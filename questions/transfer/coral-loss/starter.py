import torch


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Deep CORAL loss (Sun & Saenko, 2016): ||C_S - C_T||_F^2 / (4 d^2).

    source: (n_s, d) features, target: (n_t, d) features, n_s, n_t >= 2.
    C_S, C_T are the unbiased (divide by n - 1) covariance matrices of the features.
    Returns a scalar tensor with the dtype of the inputs, differentiable in both.
    """
    # TODO: centre each batch, form its (d, d) covariance with n - 1
    # TODO: squared Frobenius norm of the difference, divided by 4 d^2
    raise NotImplementedError
