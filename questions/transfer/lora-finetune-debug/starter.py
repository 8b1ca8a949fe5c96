import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRALinear(nn.Module):
    """A frozen nn.Linear plus a trainable low-rank update: base(x) + (alpha / r) * B A x."""

    def __init__(self, base: nn.Linear, r: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.r, self.alpha = r, alpha
        self.scaling = alpha / r
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        # small random values for B as well, so that both factors get a gradient from the start
        self.lora_B = nn.Parameter(0.01 * torch.randn(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.base.weight.requires_grad = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.scaling * (x @ self.lora_A.T @ self.lora_B.T)

    def merged_weight(self) -> torch.Tensor:
        """The weight of a plain Linear layer that computes the same function as this layer."""
        return self.base.weight + (self.lora_B @ self.lora_A).T


def _parent(model: nn.Module, name: str):
    *path, attr = name.split(".")
    parent = model
    for part in path:
        parent = getattr(parent, part)
    return parent, attr


def apply_lora(model: nn.Module, targets, r: int, alpha: float) -> nn.Module:
    """Wrap the named nn.Linear submodules in LoRALinear; only the LoRA factors train."""
    for name in targets:
        parent, attr = _parent(model, name)
        setattr(parent, attr, LoRALinear(getattr(parent, attr), r, alpha))
    return model


def merge_lora(model: nn.Module) -> nn.Module:
    """Fold every LoRA update into its layer so that inference costs nothing extra."""
    for module in model.modules():
        if isinstance(module, LoRALinear):
            with torch.no_grad():
                module.base.weight.copy_(module.merged_weight())
    return model


def train_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, optimizer) -> float:
    """One optimisation step on the batch (x, y); returns the loss before the step."""
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()
