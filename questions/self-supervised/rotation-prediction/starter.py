import torch
import torch.nn.functional as F


def rotate_batch(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """All four rotations of a batch of square images (N, C, H, H) and their labels.

    Returns (rotated, labels): rotated has shape (4N, C, H, H), rotation-major
    (all images at 0 quarter turns, then all at 1, 2, 3), labels int64 of shape (4N,).
    """
    # TODO: check the images are square
    # TODO: k quarter turns = torch.rot90(x, k, dims=(-2, -1)), for k = 0, 1, 2, 3
    raise NotImplementedError


def rotation_loss(model, images: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of `model` (4N images -> (4N, 4) logits) predicting the rotation."""
    raise NotImplementedError
