"""Mistake: the loss is -log(softmax(logits)), which underflows to log(0) = -inf when distances are large."""

import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    protos = torch.stack([support[support_labels == k].mean(0) for k in range(n_way)])
    d2 = ((query[:, None, :] - protos[None, :, :]) ** 2).sum(-1)
    p = torch.softmax(-d2, dim=1)
    loss = -torch.log(p[torch.arange(query.shape[0]), query_labels]).mean()
    acc = (d2.argmin(1) == query_labels).float().mean()
    return loss, acc
