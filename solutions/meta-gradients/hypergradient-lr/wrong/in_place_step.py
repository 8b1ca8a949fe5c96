"""Mistake: the step updates theta in place (theta -= alpha * grad), and the loop starts from
theta0 itself rather than a copy, so both functions overwrite the caller's tensor."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha = torch.as_tensor(alpha, dtype=theta.dtype) + beta * torch.dot(grad, prev_grad)
    theta -= alpha * grad
    return theta, alpha


def sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps):
    theta, alpha, prev = theta0, torch.as_tensor(alpha0, dtype=theta0.dtype), torch.zeros_like(theta0)
    thetas, alphas = [theta.clone()], [alpha]
    for _ in range(steps):
        grad = A @ theta - b
        theta, alpha = sgd_hd_step(theta, alpha, grad, prev, beta)
        prev = grad
        thetas.append(theta.clone())
        alphas.append(alpha)
    return torch.stack(thetas), torch.stack(alphas)
