"""Visible examples: read them, run them with `judge test byol-loss-ema FILE`."""

import math

import torch

from judge.testing import assert_close


def test_worked_example_loss(submission):
    p1, z2 = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 3.0]])
    p2, z1 = torch.tensor([[1.0, 1.0]]), torch.tensor([[2.0, 2.0]])
    assert_close(submission.byol_loss(p1, p2, z1, z2), torch.tensor(2.0),
                 name="worked example loss (2 for the orthogonal pair + 0 for the aligned pair)")


def test_worked_example_ema_and_schedule(submission):
    out = submission.ema_update([torch.tensor([1.0, 1.0])], [torch.tensor([3.0, -1.0])], 0.9)
    assert_close(out, [torch.tensor([1.2, 0.8])], name="EMA update with tau=0.9")
    assert_close(submission.target_decay(0, 100, 0.996), 0.996, rtol=1e-9, name="tau at step 0")
    assert_close(submission.target_decay(50, 100, 0.996), 0.998, rtol=1e-9,
                 name="tau half-way through training")
    assert_close(submission.target_decay(100, 100, 0.996), 1.0, rtol=1e-9, name="tau at the end")
