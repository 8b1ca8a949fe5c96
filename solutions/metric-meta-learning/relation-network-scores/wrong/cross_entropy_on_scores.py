"""Mistake: the relation scores are trained with cross-entropy as if they were logits, instead of regressed onto the one-hot targets with squared error."""

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
    class_feats = torch.stack([support[support_labels == k].sum(0) for k in range(n_way)])
    m = query.shape[0]
    pairs = torch.cat([class_feats.unsqueeze(0).repeat(m, 1, 1),
                       query.unsqueeze(1).repeat(1, n_way, 1)], dim=2)
    return relation(pairs).squeeze(-1)


def relation_loss(scores, query_labels):
    return F.cross_entropy(scores, query_labels, reduction="sum")
