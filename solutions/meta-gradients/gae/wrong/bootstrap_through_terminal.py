"""Mistake: the running advantage is reset at a done, but delta_t still bootstraps
gamma * V_{t+1} from the first state of the next episode."""

import torch


def gae(rewards, values, dones, gamma, lam):
    not_done = 1.0 - dones.to(rewards.dtype)
    deltas = rewards + gamma * values[1:] - values[:-1]
    adv = torch.empty_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        running = deltas[t] + gamma * lam * not_done[t] * running
        adv[t] = running
    return adv, adv + values[:-1]
