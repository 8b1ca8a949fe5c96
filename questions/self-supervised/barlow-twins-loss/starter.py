import torch


def barlow_twins_loss(z1: torch.Tensor, z2: torch.Tensor, lambd: float = 5e-3,
                      eps: float = 1e-5) -> torch.Tensor:
    """Barlow Twins redundancy-reduction loss of two embedding batches of shape (N, D).

    Standardise each dimension over the batch (biased variance, eps inside the square root),
    form the D x D cross-correlation C = z1n^T z2n / N, and return
    sum_i (1 - C_ii)^2 + lambd * sum_{i != j} C_ij^2 as a scalar tensor.
    """
    # TODO: standardise each column of z1 and z2 over the batch
    # TODO: the cross-correlation matrix
    # TODO: invariance term (diagonal) + lambd * redundancy-reduction term (off-diagonal)
    raise NotImplementedError
