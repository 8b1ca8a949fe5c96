"""Mistake: lambda and (1 - lambda) are swapped, weighting the next value by lambda and the next
lambda-return by (1 - lambda)."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1]
    out = []
    for t in reversed(range(rewards.shape[0])):
        g = rewards[t] + gamma * not_done[t] * (lam * values[t + 1] + (1.0 - lam) * g)
        out.append(g)
    return torch.stack(out[::-1])
