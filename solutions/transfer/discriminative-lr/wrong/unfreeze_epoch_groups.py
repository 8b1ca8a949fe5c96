"""Mistake: epoch e unfreezes e groups instead of e + 1, so nothing trains in the first epoch."""

import torch.nn as nn


def layer_lrs(n_groups: int, top_lr: float, factor: float = 2.6) -> list[float]:
    return [top_lr / factor ** (n_groups - 1 - i) for i in range(n_groups)]


def _belongs(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def param_groups(model: nn.Module, group_prefixes: list[str], top_lr: float,
                 factor: float = 2.6) -> list[dict]:
    lrs = layer_lrs(len(group_prefixes), top_lr, factor)
    names = [n for n, _ in model.named_parameters()]
    return [{"names": [n for n in names if _belongs(n, p)], "lr": lr}
            for p, lr in zip(group_prefixes, lrs)]


def trainable_groups(epoch: int, n_groups: int) -> list[int]:
    k = min(epoch, n_groups)
    return list(range(n_groups - k, n_groups))


def apply_gradual_unfreezing(model: nn.Module, group_prefixes: list[str], epoch: int) -> None:
    on = set(trainable_groups(epoch, len(group_prefixes)))
    for name, p in model.named_parameters():
        for i, prefix in enumerate(group_prefixes):
            if _belongs(name, prefix):
                p.requires_grad_(i in on)
