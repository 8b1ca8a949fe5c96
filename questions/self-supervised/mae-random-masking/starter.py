import torch


def random_masking(x: torch.Tensor, mask_ratio: float,
                   generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """MAE per-sample random masking (He et al., 2022).

    x: (B, L, D) patch tokens. Keeps K = int(L * (1 - mask_ratio)) tokens per sample, a uniformly
    random subset drawn independently for each sample with `generator`.
    Returns (x_kept (B, K, D), mask (B, L) with 0 = kept and 1 = removed in the original order,
    ids_restore (B, L) int64 that puts the tokens back in order).
    """
    # TODO: one random permutation of the L positions per sample (from `generator`)
    # TODO: keep the first K, gather them, invert the permutation, unshuffle the mask
    raise NotImplementedError


def mae_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
             norm_pix_loss: bool = False) -> torch.Tensor:
    """Mean squared error per patch (mean over its P values), averaged over the removed patches
    (mask == 1) only; with norm_pix_loss the target patches are normalised first (unbiased
    variance, eps 1e-6 inside the square root)."""
    # TODO
    raise NotImplementedError
