"""Reference: generalized advantage estimation, Schulman et al. (2016), arXiv:1506.02438, eq. 16."""

import torch


def gae(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor,
        gamma: float, lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    rewards = rewards.detach()
    values = values.detach().to(rewards.dtype)
    not_done = 1.0 - dones.to(rewards.dtype)
    deltas = rewards + gamma * not_done * values[1:] - values[:-1]
    advantages = torch.empty_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in range(rewards.shape[0] - 1, -1, -1):
        running = deltas[t] + (gamma * lam) * not_done[t] * running
        advantages[t] = running
    return advantages, advantages + values[:-1]
