"""Mistake: merge() adds the low-rank update into base.weight in place, so the next forward pass applies the update twice."""

import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float, init_std: float = 0.02) -> None:
        super().__init__()
        if r < 1:
            raise ValueError("rank r must be >= 1")
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        nn.init.normal_(self.lora_A, mean=0.0, std=init_std)
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        self.r = r
        self.alpha = alpha
        self.scaling = alpha / r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        update = (x @ self.lora_A.transpose(0, 1)) @ self.lora_B.transpose(0, 1)
        return self.base(x) + self.scaling * update

    def merge(self) -> torch.Tensor:
        with torch.no_grad():
            self.base.weight += self.scaling * (self.lora_B @ self.lora_A)
        return self.base.weight
