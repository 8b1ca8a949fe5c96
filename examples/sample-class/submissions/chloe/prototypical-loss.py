import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    centres = []
    for c in range(n_way):
        centres.append(support[support_labels == c].mean(0))
    centres = torch.stack(centres)
    sq = ((query[:, None] - centres[None]) ** 2).sum(-1)
    loss = F.cross_entropy(-sq, query_labels)
    acc = (sq.argmin(-1) == query_labels).float().mean().to(support.dtype)
    return loss, acc
