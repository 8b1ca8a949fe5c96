"""Mistake: the prototypes are computed under torch.no_grad(), so no gradient reaches the support embeddings."""

import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    with torch.no_grad():
        protos = torch.stack([support[support_labels == k].mean(0) for k in range(n_way)])
    d2 = ((query[:, None, :] - protos[None, :, :]) ** 2).sum(-1)
    loss = F.cross_entropy(-d2, query_labels)
    acc = (d2.argmin(1) == query_labels).float().mean()
    return loss, acc
