import torch


def sinkhorn(scores: torch.Tensor, epsilon: float = 0.05, n_iters: int = 3) -> torch.Tensor:
    """SwAV codes (Caron et al., 2020, Algorithm 1).

    scores: (B, K) similarities of B samples to K prototypes.
    Q = exp(scores / epsilon).T (K x B), divided by its total; then n_iters times: rows
    (prototypes) to 1/K each, then columns (samples) to 1/B each; finally each column to 1.
    Returns Q.T, shape (B, K), without autograd history; stable when scores / epsilon ~ 100.
    """
    # TODO
    raise NotImplementedError
