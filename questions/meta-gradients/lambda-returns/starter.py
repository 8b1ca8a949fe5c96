import torch


def lambda_returns(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor,
                   gamma: float, lam: float) -> torch.Tensor:
    """Recursive lambda-returns (Sutton, 1988).

    rewards: (T, *B) float; values: (T + 1, *B) float, values[T] is the bootstrap value;
    dones: (T, *B) bool, dones[t] means the episode terminated at step t.

    G_T = V_T
    G_t = r_t + gamma * (1 - d_t) * ((1 - lam) * V_{t+1} + lam * G_{t+1})

    Returns G of shape (T, *B), differentiable with respect to rewards and values.
    """
    # TODO: start from the bootstrap value and walk backwards in time
    # TODO: keep the computation differentiable (no .item(), no no_grad, no detach)
    raise NotImplementedError
