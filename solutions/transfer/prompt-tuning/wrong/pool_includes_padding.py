"""Mistake: the mean is taken over all L input positions, padding included."""

import torch
import torch.nn as nn


class PromptTuned(nn.Module):
    def __init__(self, encoder: nn.Module, head: nn.Linear, n_prompt: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head
        for p in list(encoder.parameters()) + list(head.parameters()):
            p.requires_grad_(False)
        w = head.weight
        self.prompt = nn.Parameter(torch.empty(n_prompt, head.in_features, dtype=w.dtype, device=w.device))
        nn.init.uniform_(self.prompt, -0.5, 0.5)

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor | None = None) -> torch.Tensor:
        b, n_prompt = x.shape[0], self.prompt.shape[0]
        h = torch.cat([self.prompt.unsqueeze(0).expand(b, -1, -1), x], dim=1)
        mask = None
        if pad_mask is not None:
            keep_prompt = torch.zeros(b, n_prompt, dtype=torch.bool, device=x.device)
            mask = torch.cat([keep_prompt, pad_mask.bool()], dim=1)
        out = self.encoder(h, mask)[:, n_prompt:]                       # (B, L, d): input positions
        pooled = out.mean(dim=1)
        return self.head(pooled)
