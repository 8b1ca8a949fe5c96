import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    masks = F.one_hot(support_labels, n_way).to(support.dtype)
    prototypes = masks.t().matmul(support) / masks.sum(0)[:, None]
    sq_dist = (query.pow(2).sum(1, keepdim=True) - 2 * query @ prototypes.t()
               + prototypes.pow(2).sum(1)[None, :])
    loss = F.cross_entropy(-sq_dist, query_labels)
    accuracy = (sq_dist.argmin(1) == query_labels).to(support.dtype).mean()
    return loss, accuracy.detach()
