"""Mistake: non-square images are not rejected: rot90 silently swaps height and width, and torch.cat fails with a RuntimeError."""


import torch
import torch.nn.functional as F


def rotate_batch(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    n = images.shape[0]
    rotated = torch.cat([torch.rot90(images, k, dims=(-2, -1)) for k in range(4)], 0)
    labels = torch.arange(4, device=images.device).repeat_interleave(n)
    return rotated, labels


def rotation_loss(model, images: torch.Tensor) -> torch.Tensor:
    rotated, labels = rotate_batch(images)
    return F.cross_entropy(model(rotated), labels)
