"""Visible examples for coral-loss."""

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    source = torch.tensor([[0.0, 0.0], [2.0, 0.0]])   # C_S = [[2, 0], [0, 0]]
    target = torch.tensor([[0.0, 0.0], [0.0, 2.0]])   # C_T = [[0, 0], [0, 2]]
    assert_close(submission.coral_loss(source, target), torch.tensor(0.5),
                 name="worked example: ||diag(2, -2)||_F^2 / (4 * 2^2)")


def test_matches_reference(submission, reference):
    s, t = randn(8, 4, seed=0), randn(6, 4, seed=1, scale=2.0)
    assert_close(submission.coral_loss(s, t), reference.coral_loss(s, t), name="CORAL loss")
