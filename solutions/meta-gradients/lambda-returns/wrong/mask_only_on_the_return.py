"""Mistake: the done mask is applied to the lambda * G_{t+1} term only, so a terminal step still
bootstraps (1 - lambda) * V_{t+1} from the next episode's first state."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1]
    out = []
    for t in reversed(range(rewards.shape[0])):
        g = rewards[t] + gamma * ((1.0 - lam) * values[t + 1] + lam * not_done[t] * g)
        out.append(g)
    return torch.stack(out[::-1])
