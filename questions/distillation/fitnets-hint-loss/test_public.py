"""Visible examples: read them, run them with `judge test fitnets-hint-loss FILE`."""

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    v = torch.tensor([[[[3.0]]]])                        # (1, 1, 1, 1) student guided features
    u = torch.tensor([[[[6.0]], [[-1.0]]]])              # (1, 2, 1, 1) teacher hint
    w = torch.tensor([[[[2.0]]], [[[-1.0]]]])            # (2, 1, 1, 1): a 1x1 conv regressor
    b = torch.tensor([0.5, 0.0])
    # r(v) = [6.5, -3.0]; u - r(v) = [-0.5, 2.0]; 1/2 * (0.25 + 4) = 2.125
    assert_close(submission.hint_loss(v, u, w, b), torch.tensor(2.125), name="worked example loss")


def test_matches_reference_with_a_3x3_regressor(submission, reference):
    v = randn(2, 3, 6, 6, seed=1)
    u = randn(2, 5, 4, 4, seed=2)
    w, b = randn(5, 3, 3, 3, seed=3, scale=0.3), randn(5, seed=4)
    assert_close(submission.hint_loss(v, u, w, b), reference.hint_loss(v, u, w, b), name="loss")
