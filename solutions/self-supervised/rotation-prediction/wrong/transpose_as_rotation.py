"""Mistake: a 90-degree turn is made with a transpose, which is a reflection, not a rotation."""


import torch
import torch.nn.functional as F


def rotate_batch(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if images.shape[-1] != images.shape[-2]:
        raise ValueError(f"images must be square, got {tuple(images.shape[-2:])}")
    n = images.shape[0]
    r1 = images.transpose(-2, -1)
    rotated = torch.cat([images, r1, images.flip(-2).flip(-1), r1.flip(-2).flip(-1)], 0)
    labels = torch.arange(4, device=images.device).repeat_interleave(n)
    return rotated, labels


def rotation_loss(model, images: torch.Tensor) -> torch.Tensor:
    rotated, labels = rotate_batch(images)
    return F.cross_entropy(model(rotated), labels)
