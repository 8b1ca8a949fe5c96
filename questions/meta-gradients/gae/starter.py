import torch


def gae(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor,
        gamma: float, lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized advantage estimation (Schulman et al., 2016).

    rewards: (T, *B) float; values: (T + 1, *B) float, values[T] is the bootstrap value;
    dones: (T, *B) bool, dones[t] means the episode terminated at step t.

    delta_t = r_t + gamma * (1 - d_t) * V_{t+1} - V_t
    A_t     = delta_t + gamma * lam * (1 - d_t) * A_{t+1},   A_T = 0
    returns = A + V[:-1]

    Returns (advantages, returns), both shaped and typed like rewards.
    """
    # TODO: the TD errors for every step at once
    # TODO: a backward pass over time that accumulates (gamma * lam)-discounted TD errors,
    #       reset at episode ends
    # TODO: the returns (value targets)
    raise NotImplementedError
