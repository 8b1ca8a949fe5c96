"""Mistake: the value targets add the NEXT state's value, returns = A + values[1:]."""

import torch


def gae(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    deltas = rewards + gamma * not_done * values[1:] - values[:-1]
    adv = torch.empty_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        running = deltas[t] + gamma * lam * not_done[t] * running
        adv[t] = running
    return adv, adv + values[1:]
