"""Reference: Snell et al. (2017), arXiv:1703.05175, squared Euclidean prototypical loss."""

import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    onehot = F.one_hot(support_labels, n_way).to(support.dtype)          # (S, N)
    counts = onehot.sum(0)                                               # (N,)
    protos = (onehot.t() @ support) / counts[:, None]                    # (N, D)
    d2 = ((query[:, None, :] - protos[None, :, :]) ** 2).sum(-1)         # (M, N)
    loss = F.cross_entropy(-d2, query_labels)
    acc = (d2.argmin(dim=1) == query_labels).to(support.dtype).mean().detach()
    return loss, acc
