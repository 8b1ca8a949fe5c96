import math

import torch
import torch.nn.functional as F


def byol_loss(p1: torch.Tensor, p2: torch.Tensor, z1: torch.Tensor,
              z2: torch.Tensor) -> torch.Tensor:
    """BYOL loss (Grill et al., 2020).

    p1, p2: (N, D) online predictions of view 1 and view 2.
    z1, z2: (N, D) target projections of view 1 and view 2 (no gradient may reach them).
    Returns mean over the batch of [l(p1, z2) + l(p2, z1)], l(p, z) = 2 - 2 cos(p, z).
    """
    # TODO: normalise, pair each prediction with the other view's (detached) target
    raise NotImplementedError


def ema_update(target_params: list[torch.Tensor], online_params: list[torch.Tensor],
               tau: float) -> list[torch.Tensor]:
    """xi <- tau * xi + (1 - tau) * theta for each pair; a new list without autograd history."""
    # TODO
    raise NotImplementedError


def target_decay(step: int, total_steps: int, base_tau: float) -> float:
    """Cosine schedule: 1 - (1 - base_tau) * (cos(pi * step / total_steps) + 1) / 2."""
    # TODO
    raise NotImplementedError
