import torch
import torch.nn.functional as F


def rkd_distance_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Distance-wise RKD loss (Park et al., 2019).

    student: (B, D_s), teacher: (B, D_t), B >= 2. For each network, the Euclidean distances of the
    ordered pairs i != j are divided by their mean; the two sets are compared with the Huber loss
    (delta = 1) and averaged over the pairs. Returns a scalar; no gradient reaches the teacher.
    """
    # TODO
    raise NotImplementedError


def rkd_angle_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Angle-wise RKD loss: cos of the angle at x_j between x_i and x_k, i.e. <e_ij, e_kj> with
    e_ij = (x_i - x_j) / max(||x_i - x_j||, 1e-12), over ordered triplets with i, j, k pairwise
    distinct (B >= 3); Huber loss (delta = 1) averaged over the triplets."""
    # TODO
    raise NotImplementedError


def rkd_loss(student: torch.Tensor, teacher: torch.Tensor,
             lambda_d: float = 1.0, lambda_a: float = 2.0) -> torch.Tensor:
    """lambda_d * distance-wise loss + lambda_a * angle-wise loss."""
    # TODO
    raise NotImplementedError
