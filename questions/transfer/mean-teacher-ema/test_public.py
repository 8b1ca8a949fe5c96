"""Visible examples for mean-teacher-ema."""

import math

import torch
import torch.nn as nn

from judge.testing import assert_close


def test_worked_example_ema(submission):
    def probe(m):
        teacher, student = nn.Linear(1, 1, bias=False), nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            teacher.weight.fill_(1.0)
            student.weight.fill_(5.0)
        alpha = m.ema_update(teacher, student, step=3, alpha_max=0.99)   # min(1 - 1/4, 0.99) = 0.75
        return alpha, teacher.weight.detach().clone()

    alpha, w = submission.run(probe)
    assert_close(alpha, 0.75, name="alpha at step 3")
    assert_close(w, torch.tensor([[2.0]]), name="teacher weight 0.75 * 1 + 0.25 * 5")


def test_worked_example_consistency(submission):
    s = torch.tensor([[math.log(3.0), 0.0]])   # softmax [0.75, 0.25]
    t = torch.tensor([[0.0, 0.0]])             # softmax [0.5, 0.5]
    assert_close(submission.consistency_loss(s, t), torch.tensor(0.0625),
                 name="mean of (0.25^2, 0.25^2)")
