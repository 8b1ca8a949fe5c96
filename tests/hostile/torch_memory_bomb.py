# Attacks the memory limit through torch's allocator (one 40 GB tensor).
import torch


def f(x, hint):
    return torch.ones(10_000_000_000)
