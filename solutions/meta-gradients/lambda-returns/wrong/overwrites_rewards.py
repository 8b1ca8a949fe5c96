"""Mistake: the rewards tensor is reused as the output buffer and overwritten in place."""

import torch


def lambda_returns(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1].clone()
    out = rewards.data
    for t in reversed(range(rewards.shape[0])):
        g = out[t] + gamma * not_done[t] * ((1.0 - lam) * values[t + 1] + lam * g)
        out[t] = g
    return out
