import torch
import torch.nn.functional as F


def info_nce_loss(queries: torch.Tensor, keys: torch.Tensor, temperature: float) -> torch.Tensor:
    """One-way InfoNCE with in-batch negatives (van den Oord et al., 2018).

    queries, keys: (N, D); keys[i] is the positive of queries[i], the other keys are negatives.
    Scores are plain dot products (no normalisation inside) divided by the temperature.
    Returns the mean over the N queries of -log softmax(scores[i])[i], as a scalar tensor.
    """
    # TODO: the (N, N) score matrix, query i against key j, divided by the temperature
    # TODO: cross-entropy of each row against its diagonal entry, averaged over queries
    raise NotImplementedError
