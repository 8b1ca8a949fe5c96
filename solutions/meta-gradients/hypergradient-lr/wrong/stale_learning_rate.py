"""Mistake: the parameter step uses the old learning rate alpha_{t-1}; alpha is updated only
afterwards (the order of the two updates is swapped)."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha = torch.as_tensor(alpha, dtype=theta.dtype)
    theta_new = theta - alpha * grad
    return theta_new, alpha + beta * torch.dot(grad, prev_grad)


def sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps):
    theta, alpha, prev = theta0.clone(), torch.as_tensor(alpha0, dtype=theta0.dtype), torch.zeros_like(theta0)
    thetas, alphas = [theta], [alpha]
    for _ in range(steps):
        grad = A @ theta - b
        theta, alpha = sgd_hd_step(theta, alpha, grad, prev, beta)
        prev = grad
        thetas.append(theta)
        alphas.append(alpha)
    return torch.stack(thetas), torch.stack(alphas)
