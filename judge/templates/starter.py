import torch


def $func(x: torch.Tensor) -> torch.Tensor:
    """Replace with the task's docstring: what to compute, shapes, conventions."""
    # TODO: implement
    raise NotImplementedError
