import torch
import torch.nn as nn


class PromptTuned(nn.Module):
    """A frozen encoder and head with n_prompt learnable vectors prepended to every sequence."""

    def __init__(self, encoder: nn.Module, head: nn.Linear, n_prompt: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head
        # TODO: freeze the encoder and the head
        # TODO: self.prompt, an nn.Parameter (n_prompt, head.in_features), uniform on [-0.5, 0.5]
        raise NotImplementedError

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, L, d), pad_mask (B, L) bool with True at padding (or None) -> logits (B, classes)."""
        # TODO: prepend the prompt, extend the mask, encode, mean over the real input positions, head
        raise NotImplementedError
