# Attacks the time limit from inside one long C++ call that Python signals cannot interrupt.
import torch


def f(x, hint):
    a = torch.randn(1500, 1500)
    return torch.linalg.matrix_power(a, 2**40 - 1)
