import torch


def sgd_hd_step(theta: torch.Tensor, alpha: float, grad: torch.Tensor, prev_grad: torch.Tensor,
                beta: float):
    """One SGD-HD iteration (Baydin et al., 2018).

    alpha_t = alpha_{t-1} + beta * grad . prev_grad
    theta_t = theta_{t-1} - alpha_t * grad

    Returns (theta_new, alpha_new).
    """
    # TODO: update the learning rate with the hypergradient, then take the parameter step
    raise NotImplementedError


def sgd_hd_quadratic(A: torch.Tensor, b: torch.Tensor, theta0: torch.Tensor, alpha0: float,
                     beta: float, steps: int):
    """Run SGD-HD for `steps` iterations on f(theta) = 0.5 theta^T A theta - b^T theta.

    Returns (thetas, alphas) of shapes (steps + 1, d) and (steps + 1,), starting with theta0, alpha0.
    """
    # TODO: the previous gradient starts at zero
    # TODO: loop: gradient, new learning rate, parameter step, remember the gradient
    raise NotImplementedError
