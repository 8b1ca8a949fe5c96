import torch
import torch.nn.functional as F


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    # class centres
    centroids = torch.stack([support[support_labels == c].mean(dim=0) for c in range(n_way)])
    # distances
    delta = query.unsqueeze(1) - centroids.unsqueeze(0)
    sq = (delta * delta).sum(dim=2)
    scores = -sq
    loss = F.cross_entropy(scores, query_labels)
    guesses = scores.argmax(dim=1)
    acc = (guesses == query_labels).to(support.dtype).mean()
    return loss, acc.detach()
