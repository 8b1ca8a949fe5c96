"""Visible examples: read them, run them with `judge test swav-sinkhorn FILE`."""

import math

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    scores = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0]])
    assert_close(submission.sinkhorn(scores, 1.0, 0), torch.tensor([[0.75, 0.25], [0.5, 0.5]]),
                 name="codes with no iteration (a softmax per sample)")
    assert_close(submission.sinkhorn(scores, 1.0, 1),
                 torch.tensor([[0.6, 0.4], [1.0 / 3.0, 2.0 / 3.0]]),
                 name="codes after one iteration")


def test_codes_of_each_sample_sum_to_one(submission):
    scores = torch.randn(6, 4, generator=torch.Generator().manual_seed(0)).clamp(-1, 1)
    codes = submission.sinkhorn(scores)
    assert_close(codes.sum(dim=1), torch.ones(6), name="sum of the codes of each sample")
