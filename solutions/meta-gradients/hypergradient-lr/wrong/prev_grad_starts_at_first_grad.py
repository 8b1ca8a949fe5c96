"""Mistake: the previous gradient is initialised with the first gradient instead of zero, so the
first step already raises the learning rate by beta * |g_1|^2."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha = torch.as_tensor(alpha, dtype=theta.dtype) + beta * torch.dot(grad, prev_grad)
    return theta - alpha * grad, alpha


def sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps):
    theta, alpha = theta0.clone(), torch.as_tensor(alpha0, dtype=theta0.dtype)
    prev = A @ theta0 - b
    thetas, alphas = [theta], [alpha]
    for _ in range(steps):
        grad = A @ theta - b
        theta, alpha = sgd_hd_step(theta, alpha, grad, prev, beta)
        prev = grad
        thetas.append(theta)
        alphas.append(alpha)
    return torch.stack(thetas), torch.stack(alphas)
