"""Mistake: the recursion starts from G_T = 0 instead of the bootstrap value V_T, as if every
rollout ended in a terminal state."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = torch.zeros_like(values[-1])
    out = []
    for t in reversed(range(rewards.shape[0])):
        g = rewards[t] + gamma * not_done[t] * ((1.0 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return torch.stack(out[::-1])
