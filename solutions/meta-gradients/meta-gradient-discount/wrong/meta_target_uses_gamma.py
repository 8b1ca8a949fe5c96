"""Mistake: the meta-objective's target uses the meta-parameter gamma (and lam) instead of the
fixed reference gamma_bar, lam_bar."""

import torch


def _lambda_returns(rewards, values, gamma, lam):
    g = values[-1]
    out = []
    for t in range(rewards.shape[0] - 1, -1, -1):
        g = rewards[t] + gamma * ((1.0 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return torch.stack(out[::-1])



def meta_objective(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    values = phi @ theta
    g = _lambda_returns(rewards, values, gamma, lam)
    theta_new = theta + alpha * ((g - values[:-1]).unsqueeze(1) * phi[:-1]).mean(dim=0)
    values2 = phi2 @ theta_new
    target = _lambda_returns(rewards2, values2, gamma, lam).detach()
    return 0.5 * ((target - values2[:-1]) ** 2).mean()


def meta_gradient(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    g = torch.tensor(float(gamma), dtype=theta.dtype, requires_grad=True)
    j = meta_objective(theta, g, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar)
    (dj,) = torch.autograd.grad(j, g, allow_unused=True)
    if dj is None:
        dj = torch.zeros((), dtype=theta.dtype)
    return j.detach(), dj.detach()

