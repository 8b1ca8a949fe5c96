"""Reference: Sung et al. (2018), arXiv:1711.06025, relation scores with an MSE objective."""

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


def relation_scores(support, support_labels, query, n_way, relation):
    onehot = F.one_hot(support_labels, n_way).to(support.dtype)           # (S, N)
    class_feats = onehot.t() @ support                                    # (N, D), summed
    m, d = query.shape
    pairs = torch.cat([class_feats[None, :, :].expand(m, n_way, d),
                       query[:, None, :].expand(m, n_way, d)], dim=-1)    # (M, N, 2D)
    return relation(pairs).squeeze(-1)                                    # (M, N)


def relation_loss(scores, query_labels):
    target = F.one_hot(query_labels, scores.shape[1]).to(scores.dtype)
    return ((scores - target) ** 2).sum()
