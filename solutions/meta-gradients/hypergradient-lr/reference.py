"""Reference: SGD-HD, Algorithm 1 of Baydin et al. (2018), arXiv:1703.04782."""

import torch


def sgd_hd_step(theta, alpha, grad, prev_grad, beta):
    alpha_new = torch.as_tensor(alpha, dtype=theta.dtype) + beta * torch.dot(grad, prev_grad)
    return theta - alpha_new * grad, alpha_new


def sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps):
    theta = theta0.clone()
    alpha = torch.as_tensor(alpha0, dtype=theta0.dtype)
    prev = torch.zeros_like(theta0)
    thetas, alphas = [theta], [alpha]
    for _ in range(int(steps)):
        grad = A @ theta - b
        theta, alpha = sgd_hd_step(theta, alpha, grad, prev, beta)
        prev = grad
        thetas.append(theta)
        alphas.append(alpha)
    return torch.stack(thetas), torch.stack(alphas)
