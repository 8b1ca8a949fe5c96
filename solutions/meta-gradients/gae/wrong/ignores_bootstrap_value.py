"""Mistake: the last state's value is treated as 0 (values[T] ignored), as if every rollout
ended in a terminal state."""

import torch


def gae(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    next_values = torch.cat([values[1:-1], torch.zeros_like(values[:1])], dim=0)
    deltas = rewards + gamma * not_done * next_values - values[:-1]
    adv = torch.empty_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        running = deltas[t] + gamma * lam * not_done[t] * running
        adv[t] = running
    return adv, adv + values[:-1]
