import torch
import torch.nn as nn
import torch.nn.functional as F


class RelationModule(nn.Module):
    """The relation module g: a fixed two-layer MLP ending in a sigmoid. Do not change it.

    Input (..., 2 * feature_dim): a class feature concatenated with a query feature.
    Output (..., 1): the relation score in (0, 1).
    """

    def __init__(self, feature_dim: int, hidden_dim: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2 * feature_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, 1)

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fc2(torch.relu(self.fc1(pairs))))


def relation_scores(support: torch.Tensor, support_labels: torch.Tensor, query: torch.Tensor,
                    n_way: int, relation: RelationModule) -> torch.Tensor:
    """Relation-network scores (Sung et al. 2018).

    support (S, D), support_labels (S,) int64 in 0..n_way-1 (any order), query (M, D).
    Class feature c_k = SUM of the support features of class k.
    Returns r of shape (M, n_way) with r[m, k] = relation(cat([c_k, query[m]]))  (class first).
    """
    # TODO: the per-class summed support features, shape (n_way, D)
    # TODO: every (query, class) pair concatenated as [class feature, query feature]
    # TODO: apply the relation module and drop its last dimension
    raise NotImplementedError


def relation_loss(scores: torch.Tensor, query_labels: torch.Tensor) -> torch.Tensor:
    """Sum over queries and classes of (r[m, k] - [query_labels[m] == k])^2, a scalar tensor."""
    # TODO: one-hot targets, squared error, summed
    raise NotImplementedError
