"""Reference: recursive lambda-returns (Sutton 1988, DOI 10.1007/BF00115009), bootstrapped with V_T."""

import torch


def lambda_returns(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor,
                   gamma: float, lam: float) -> torch.Tensor:
    not_done = 1.0 - dones.to(rewards.dtype)
    g = values[-1]
    out = []
    for t in range(rewards.shape[0] - 1, -1, -1):
        g = rewards[t] + gamma * not_done[t] * ((1.0 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return torch.stack(out[::-1], dim=0)
