import torch
import torch.nn.functional as F


def mixup_batch(x: torch.Tensor, y: torch.Tensor, num_classes: int, alpha: float,
                generator: torch.Generator) -> dict:
    """Mixup for one batch (Zhang et al., 2018).

    lam ~ Beta(alpha, alpha) and perm, a uniformly random permutation of the batch, both drawn
    from `generator` only. Returns {"x": lam * x + (1 - lam) * x[perm],
    "targets": lam * one_hot(y) + (1 - lam) * one_hot(y[perm])  (B, num_classes), dtype of x,
    "lam": float, "perm": int64 (B,)}. Raises ValueError if alpha <= 0. Does not modify x or y.
    """
    # TODO: draw lam ~ Beta(alpha, alpha) and the permutation from the generator
    # TODO: mix the inputs and the one-hot labels with the same lam and permutation
    raise NotImplementedError


def mixup_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Soft-label cross-entropy: mean over the batch of -sum_c targets[i, c] * log_softmax(logits[i])_c."""
    # TODO
    raise NotImplementedError
