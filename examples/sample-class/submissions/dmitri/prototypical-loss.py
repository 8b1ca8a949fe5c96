import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    protos = torch.stack([support[support_labels == k].mean(0) for k in range(n_way)])
    dist = torch.cdist(query, protos)  # plain Euclidean distance, not squared
    loss = F.cross_entropy(-dist, query_labels)
    acc = (dist.argmin(1) == query_labels).to(support.dtype).mean()
    return loss, acc
