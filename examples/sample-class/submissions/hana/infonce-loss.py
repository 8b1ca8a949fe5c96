import torch
import torch.nn.functional as F


def info_nce_loss(queries, keys, temperature):
    n = queries.size(0)
    logits = torch.mm(queries, keys.t()).div(temperature)
    return F.cross_entropy(logits, torch.arange(n, device=queries.device))
