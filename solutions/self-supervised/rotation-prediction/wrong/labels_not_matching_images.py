"""Mistake: the images are image-major but the labels rotation-major, so most labels are wrong."""


import torch
import torch.nn.functional as F


def rotate_batch(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if images.shape[-1] != images.shape[-2]:
        raise ValueError(f"images must be square, got {tuple(images.shape[-2:])}")
    n = images.shape[0]
    rotated = torch.stack([torch.rot90(images, k, dims=(-2, -1)) for k in range(4)], 1).flatten(0, 1)
    labels = torch.arange(4, device=images.device).repeat_interleave(n)
    return rotated, labels


def rotation_loss(model, images: torch.Tensor) -> torch.Tensor:
    rotated, labels = rotate_batch(images)
    return F.cross_entropy(model(rotated), labels)
