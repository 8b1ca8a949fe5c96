import torch


class GradReverse(torch.autograd.Function):
    """Gradient reversal layer (Ganin & Lempitsky, 2015).

    forward: identity.  backward: the incoming gradient multiplied by -lambd.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, lambd: float) -> torch.Tensor:
        # TODO
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        # TODO: one gradient per forward input (x, lambd)
        raise NotImplementedError


def grad_reverse(x: torch.Tensor, lambd: float = 1.0) -> torch.Tensor:
    """Identity in the forward pass; multiplies the gradient by -lambd in the backward pass."""
    # TODO
    raise NotImplementedError
