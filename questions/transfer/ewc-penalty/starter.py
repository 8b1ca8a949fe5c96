import torch
import torch.nn as nn
import torch.nn.functional as F  # noqa: F401  (you may need it)


def fisher_diagonal(model: nn.Module, inputs: torch.Tensor,
                    targets: torch.Tensor) -> dict[str, torch.Tensor]:
    """Empirical Fisher diagonal: mean over examples of the squared per-example gradient of
    log p(y_n | x_n), one detached tensor per trainable parameter (see the Problem)."""
    # TODO: one gradient per example, squared, averaged over the N examples
    raise NotImplementedError


def ewc_penalty(model: nn.Module, fisher: dict[str, torch.Tensor],
                old_params: dict[str, torch.Tensor], lam: float) -> torch.Tensor:
    """(lam / 2) * sum_k F_k (theta_k - theta*_k)^2, a scalar tensor."""
    raise NotImplementedError
