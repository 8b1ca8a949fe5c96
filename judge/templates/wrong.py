"""Mistake: $doc."""

import torch


def $func(x: torch.Tensor) -> torch.Tensor:
    return $body
