import torch


def info_nce_loss(queries, keys, temperature):
    scores = torch.einsum("nd,md->nm", queries, keys) / temperature
    log_probs = scores - torch.logsumexp(scores, dim=1, keepdim=True)
    return -log_probs.diagonal().mean()
