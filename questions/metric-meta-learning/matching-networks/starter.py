import torch
import torch.nn.functional as F


def matching_log_probs(support: torch.Tensor, support_labels: torch.Tensor, query: torch.Tensor,
                       n_way: int) -> torch.Tensor:
    """Matching-network class log-probabilities (Vinyals et al. 2016), no full-context embeddings.

    support (S, D), support_labels (S,) int64 in 0..n_way-1 (any order), query (M, D).
    a(x, x_i) = softmax over the support i of cosine(x, x_i);
    P(y = k | x) = sum of a(x, x_i) over the support examples i of class k.
    Returns log P, shape (M, n_way), the dtype of the embeddings.
    """
    # TODO: cosine similarity between every query and every support embedding, shape (M, S)
    # TODO: attention = softmax over the support axis
    # TODO: sum the attention of each class's support examples, then take the log (stably)
    raise NotImplementedError
