import torch
import torch.nn.functional as F


def info_nce_loss(queries, keys, temperature):
    sim = torch.matmul(queries, keys.transpose(0, 1)) / temperature
    return F.cross_entropy(sim, torch.arange(sim.shape[0]))
