import torch
import torch.nn.functional as F


def moco_loss(q: torch.Tensor, k: torch.Tensor, queue: torch.Tensor,
              temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
    """MoCo InfoNCE loss (He et al., 2020).

    q, k: (N, D) normalised queries and keys (k[i] is the positive of q[i]);
    queue: (K, D) normalised negatives. Returns (loss, logits) with logits (N, 1 + K) =
    [l_pos, l_neg] / temperature, target class 0, loss the mean cross-entropy.
    No gradient may reach k or queue.
    """
    # TODO: positive logits (N, 1) and negative logits against the queue (N, K)
    # TODO: concatenate, divide by the temperature, cross-entropy with target 0
    raise NotImplementedError


def enqueue(queue: torch.Tensor, ptr: int, keys: torch.Tensor) -> tuple[torch.Tensor, int]:
    """FIFO update: write keys[j] into row (ptr + j) % K; return (new_queue, (ptr + N) % K).

    Returns a new tensor without autograd history; does not modify queue or keys.
    """
    # TODO
    raise NotImplementedError


def momentum_update(key_params: list[torch.Tensor], query_params: list[torch.Tensor],
                    m: float) -> list[torch.Tensor]:
    """theta_k <- m * theta_k + (1 - m) * theta_q for each pair; returns a new list, no grad."""
    # TODO
    raise NotImplementedError
