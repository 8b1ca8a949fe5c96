"""Visible examples: read them, run them with `judge test attention-transfer FILE`."""

import math

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    a_s = torch.tensor([[[[1.0, 0.0]]]])                     # (1, 1, 1, 2): Q_s = [1, 0]
    a_t = torch.tensor([[[[1.0, 1.0]], [[1.0, -1.0]]]])      # (1, 2, 1, 2): Q_t = [2, 2]
    assert_close(submission.attention_map(a_t), torch.tensor([[1.0, 1.0]]) / math.sqrt(2.0),
                 name="teacher attention map")
    # || [1, 0] - [0.7071, 0.7071] ||_2 = sqrt(2 - sqrt(2)) = 0.765367; beta / 2 = 1
    assert_close(submission.attention_transfer_loss([a_s], [a_t], 2.0), torch.tensor(0.765367),
                 name="worked example loss")


def test_matches_reference_on_two_layers(submission, reference):
    s = [randn(2, 3, 4, 4, seed=1), randn(2, 5, 2, 2, seed=2)]
    t = [randn(2, 6, 4, 4, seed=3), randn(2, 8, 2, 2, seed=4)]
    assert_close(submission.attention_transfer_loss(s, t, 1000.0),
                 reference.attention_transfer_loss(s, t, 1000.0), name="loss")
