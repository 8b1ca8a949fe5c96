"""Mistake: the hypergradient is added with the wrong sign (alpha_t = alpha_{t-1} - beta g_t.g_{t-1}),
i.e. gradient ascent on the loss with respect to the learning rate."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha = torch.as_tensor(alpha, dtype=theta.dtype) - beta * torch.dot(grad, prev_grad)
    return theta - alpha * grad, alpha


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
