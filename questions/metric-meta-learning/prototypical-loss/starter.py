import torch
import torch.nn.functional as F


def prototypical_loss(support: torch.Tensor, support_labels: torch.Tensor, query: torch.Tensor,
                      query_labels: torch.Tensor, n_way: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Snell et al. (2017) prototypical-network loss for one episode.

    support (S, D), support_labels (S,) in 0..n_way-1 (any order), query (M, D), query_labels (M,).
    Prototype c_k = mean of the support embeddings of class k; logits = -||query - c_k||^2
    (squared Euclidean). Returns (loss, accuracy): the mean query cross-entropy (scalar,
    differentiable w.r.t. support and query) and the fraction of queries classified correctly.
    """
    # TODO: one prototype per class, the mean of its support rows (rows are not sorted by class)
    # TODO: (M, n_way) squared Euclidean distances from each query to each prototype
    # TODO: cross-entropy of the logits -distance, averaged over queries (numerically stable)
    # TODO: accuracy: nearest prototype == true label
    raise NotImplementedError
