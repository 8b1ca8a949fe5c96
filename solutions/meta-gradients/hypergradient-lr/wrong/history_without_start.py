"""Mistake: the returned histories hold only the iterates after each step (theta_1..theta_steps),
without the starting point theta_0, alpha_0; the lengths are off by one."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha = torch.as_tensor(alpha, dtype=theta.dtype) + beta * torch.dot(grad, prev_grad)
    return theta - alpha * grad, alpha


def sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps):
    theta, alpha, prev = theta0.clone(), torch.as_tensor(alpha0, dtype=theta0.dtype), torch.zeros_like(theta0)
    thetas, alphas = [], []
    for _ in range(steps):
        grad = A @ theta - b
        theta, alpha = sgd_hd_step(theta, alpha, grad, prev, beta)
        prev = grad
        thetas.append(theta)
        alphas.append(alpha)
    if not thetas:
        return theta0.new_zeros((0, theta0.shape[0])), theta0.new_zeros((0,))
    return torch.stack(thetas), torch.stack(alphas)
