import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    protos = torch.stack([support[support_labels == k].mean(0) for k in range(n_way)])
    d = ((query[:, None] - protos[None]) ** 2).sum(-1)
    loss = F.cross_entropy(-d, query_labels, reduction="sum")  # summed over queries
    return loss, (d.argmin(1) == query_labels).to(support.dtype).mean()
