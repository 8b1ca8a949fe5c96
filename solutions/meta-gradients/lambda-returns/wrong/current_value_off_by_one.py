"""Mistake: the bracket uses the current state's value V_t (values[:-1]) where the next state's
value V_{t+1} belongs."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1]
    out = []
    for t in reversed(range(rewards.shape[0])):
        g = rewards[t] + gamma * not_done[t] * ((1.0 - lam) * values[t] + lam * g)
        out.append(g)
    return torch.stack(out[::-1])
