import torch
import torch.nn.functional as F


def info_nce_loss(queries, keys, temperature):
    logits = (queries @ keys.T) / temperature
    labels = torch.arange(queries.shape[0], device=queries.device)
    return F.cross_entropy(logits, labels, reduction="mean")
