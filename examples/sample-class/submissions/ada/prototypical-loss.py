import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    # prototypes: mean support embedding of each class
    prototypes = torch.stack([support[support_labels == k].mean(dim=0) for k in range(n_way)])
    # squared euclidean distance from every query to every prototype
    diff = query.unsqueeze(1) - prototypes.unsqueeze(0)
    dists = (diff * diff).sum(dim=2)
    logits = -dists
    loss = F.cross_entropy(logits, query_labels)
    predictions = logits.argmax(dim=1)
    accuracy = (predictions == query_labels).to(support.dtype).mean()
    return loss, accuracy.detach()
