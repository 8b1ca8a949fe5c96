# Attacks the judge's memory: returns a tensor far larger than the result budget allows
# (the judge would have to allocate it to compare it).
import torch


def f(x, hint):
    return torch.zeros(25 * 1024 * 1024, dtype=torch.float32)  # 100 MB of data
