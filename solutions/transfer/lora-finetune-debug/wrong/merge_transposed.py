"""Mistake kept: merged_weight() adds the transpose of the scaled update (wrong for a square
layer, a shape error for a non-square one)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.r, self.alpha = r, alpha
        self.scaling = alpha / r
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        for p in self.base.parameters():
            p.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.scaling * (x @ self.lora_A.T @ self.lora_B.T)

    def merged_weight(self) -> torch.Tensor:
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A).T


def _parent(model: nn.Module, name: str):
    *path, attr = name.split(".")
    parent = model
    for part in path:
        parent = getattr(parent, part)
    return parent, attr


def apply_lora(model: nn.Module, targets, r: int, alpha: float) -> nn.Module:
    for p in model.parameters():
        p.requires_grad_(False)
    for name in targets:
        parent, attr = _parent(model, name)
        setattr(parent, attr, LoRALinear(getattr(parent, attr), r, alpha))
    return model


def merge_lora(model: nn.Module) -> nn.Module:
    names = [n for n, m in model.named_modules() if isinstance(m, LoRALinear)]
    for name in names:
        parent, attr = _parent(model, name)
        layer = getattr(parent, attr)
        base = layer.base
        merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None,
                           dtype=base.weight.dtype, device=base.weight.device)
        with torch.no_grad():
            merged.weight.copy_(layer.merged_weight())
            if base.bias is not None:
                merged.bias.copy_(base.bias)
        setattr(parent, attr, merged)
    return model


def train_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, optimizer) -> float:
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()
