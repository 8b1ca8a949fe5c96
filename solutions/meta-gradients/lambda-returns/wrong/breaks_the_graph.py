"""Mistake: the returns are written into a fresh tensor under torch.no_grad() (the usual PPO
habit), so no gradient reaches the rewards or the values."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    with torch.no_grad():
        not_done = 1.0 - dones.to(rewards.dtype)
        out = torch.empty_like(rewards)
        g = values[-1]
        for t in reversed(range(rewards.shape[0])):
            g = rewards[t] + gamma * not_done[t] * ((1.0 - lam) * values[t + 1] + lam * g)
            out[t] = g
    return out
