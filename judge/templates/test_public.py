"""Visible examples for $id."""

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    assert_close(submission.$func(torch.tensor([1.0, 2.0])), torch.tensor([2.0, 4.0]))
