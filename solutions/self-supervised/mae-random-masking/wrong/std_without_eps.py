"""Mistake: the targets are divided by their standard deviation without the 1e-6, which gives NaN on a
constant patch."""

import torch


def random_masking(x, mask_ratio, generator):
    b, length, d = x.shape
    keep = int(length * (1 - mask_ratio))
    noise = torch.rand(b, length, generator=generator)
    ids_shuffle = torch.argsort(noise, dim=1)          # a uniform random permutation per sample
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    ids_keep = ids_shuffle[:, :keep]
    x_kept = torch.gather(x, 1, ids_keep.unsqueeze(-1).expand(-1, -1, d))
    mask = torch.ones(b, length, dtype=x.dtype)
    mask[:, :keep] = 0
    mask = torch.gather(mask, 1, ids_restore)         # back to the original order
    return x_kept, mask, ids_restore


def mae_loss(pred, target, mask, norm_pix_loss=False):
    if norm_pix_loss:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)         # unbiased, as in the MAE code
        target = (target - mean) / var ** 0.5
    per_patch = ((pred - target) ** 2).mean(dim=-1)
    return (per_patch * mask).sum() / mask.sum()
