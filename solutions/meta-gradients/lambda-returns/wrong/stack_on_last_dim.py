"""Mistake: the per-step returns are stacked along the last dimension (torch.stack(..., dim=-1)),
which is right for 1-D rollouts but transposes time and batch once there is a batch dimension."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1]
    out = []
    for t in reversed(range(rewards.shape[0])):
        g = rewards[t] + gamma * not_done[t] * ((1.0 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return torch.stack(out[::-1], dim=-1)
