import torch


def mmd2(x: torch.Tensor, y: torch.Tensor, sigmas: list[float]) -> torch.Tensor:
    """Biased (V-statistic) estimate of the squared MMD between samples x (m, d) and y (n, d).

    Kernel: k(a, b) = sum over sigma in sigmas of exp(-||a - b||^2 / (2 sigma^2)).
    MMD^2_b = mean(K_xx) + mean(K_yy) - 2 mean(K_xy), all i, j pairs (diagonals included).
    Returns a scalar tensor with the dtype of x. Differentiable in x and y.
    """
    # TODO: pairwise squared distances (accurate far from the origin)
    # TODO: the multi-bandwidth Gaussian kernel matrices K_xx, K_yy, K_xy
    # TODO: combine them into the biased estimate
    raise NotImplementedError
