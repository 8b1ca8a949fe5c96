import torch
import torch.nn.functional as F


def vicreg_loss(z1: torch.Tensor, z2: torch.Tensor, lambda_: float = 25.0, mu: float = 25.0,
                nu: float = 1.0, gamma: float = 1.0, eps: float = 1e-4) -> torch.Tensor:
    """VICReg loss of two embedding batches of shape (N, D), N >= 2; a scalar tensor.

    lambda_ * invariance + mu * (v(z1) + v(z2)) + nu * (c(z1) + c(z2)); see the Problem.
    """
    # TODO: invariance: mean squared difference over all N * D entries
    # TODO: variance: hinge max(0, gamma - sqrt(unbiased var + eps)) per dimension, averaged over D
    # TODO: covariance: squared off-diagonal entries of the (N-1)-normalised covariance, summed, / D
    raise NotImplementedError
