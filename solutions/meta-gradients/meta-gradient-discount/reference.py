"""Reference: one-step meta-gradient of the discount, after Xu, van Hasselt & Silver (2018),
arXiv:1805.09801, for a linear value function and lambda-returns without episode ends."""

import torch


def _lambda_returns(rewards, values, gamma, lam):
    g = values[-1]
    out = []
    for t in range(rewards.shape[0] - 1, -1, -1):
        g = rewards[t] + gamma * ((1.0 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return torch.stack(out[::-1])


def meta_objective(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    theta = theta.detach()
    # Inner update on trajectory 1 with the meta-parameter gamma (differentiable).
    values = phi @ theta                                   # (T + 1,)
    g = _lambda_returns(rewards, values, gamma, lam)      # (T,)
    td = g - values[:-1]
    theta_new = theta + alpha * (td.unsqueeze(1) * phi[:-1]).mean(dim=0)
    # Meta-objective on trajectory 2 with the fixed reference discount; the target is a constant.
    values2 = phi2 @ theta_new                             # (T' + 1,)
    target = _lambda_returns(rewards2, values2, gamma_bar, lam_bar).detach()
    return 0.5 * ((target - values2[:-1]) ** 2).mean()


def meta_gradient(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    g = torch.as_tensor(gamma, dtype=theta.dtype).detach().clone().requires_grad_(True)
    j = meta_objective(theta, g, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar)
    (dj,) = torch.autograd.grad(j, g)
    return j.detach(), dj.detach()
