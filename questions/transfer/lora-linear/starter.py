import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    """Low-rank adaptation of a frozen nn.Linear (Hu et al., 2021).

    y = base(x) + (alpha / r) * x @ A^T @ B^T

    Attributes the tests use:
      self.base    the wrapped nn.Linear, all of its parameters frozen
      self.lora_A  nn.Parameter of shape (r, in_features), init normal(0, init_std)
      self.lora_B  nn.Parameter of shape (out_features, r), init zeros
      self.scaling the float alpha / r
    A and B take the dtype and device of base.weight.
    """

    def __init__(self, base: nn.Linear, r: int, alpha: float, init_std: float = 0.02) -> None:
        super().__init__()
        # TODO: keep and freeze the base layer; create lora_A, lora_B; store the scaling
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (..., in_features) -> (..., out_features)."""
        # TODO
        raise NotImplementedError

    def merge(self) -> torch.Tensor:
        """Return W0 + (alpha / r) * B @ A, shape (out_features, in_features); do not modify self.base."""
        # TODO
        raise NotImplementedError
