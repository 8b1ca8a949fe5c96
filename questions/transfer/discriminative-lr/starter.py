import torch.nn as nn


def layer_lrs(n_groups: int, top_lr: float, factor: float = 2.6) -> list[float]:
    """Learning rate of each layer group, bottom (index 0) to top (index n_groups - 1).

    The top group gets top_lr; each group below gets the lr of the group above divided by factor.
    """
    # TODO
    raise NotImplementedError


def param_groups(model: nn.Module, group_prefixes: list[str], top_lr: float,
                 factor: float = 2.6) -> list[dict]:
    """One {"names": [...], "lr": float} per group, in the order of group_prefixes (bottom to top).

    A parameter (named as in model.named_parameters()) belongs to the group whose prefix p
    equals its module path or is followed by a dot: name == p or name.startswith(p + ".").
    Names keep the order of model.named_parameters().
    """
    # TODO
    raise NotImplementedError


def trainable_groups(epoch: int, n_groups: int) -> list[int]:
    """Gradual unfreezing: group indices (ascending) trainable in epoch `epoch` (0-based): the top epoch + 1."""
    # TODO
    raise NotImplementedError


def apply_gradual_unfreezing(model: nn.Module, group_prefixes: list[str], epoch: int) -> None:
    """Set requires_grad of every grouped parameter: True in the trainable groups of `epoch`, else False."""
    # TODO
    raise NotImplementedError
