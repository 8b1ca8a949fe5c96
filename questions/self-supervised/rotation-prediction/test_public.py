"""Visible examples for rotation-prediction."""

import math

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    rotated, labels = submission.rotate_batch(x)
    want = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]], [[[2.0, 4.0], [1.0, 3.0]]],
                         [[[4.0, 3.0], [2.0, 1.0]]], [[[3.0, 1.0], [4.0, 2.0]]]])
    assert_close(rotated, want, name="rotated batch of the worked example")
    assert labels.tolist() == [0, 1, 2, 3], f"labels should be [0, 1, 2, 3], got {labels.tolist()}"


def test_loss_of_a_uniform_model_is_log_4(submission):
    def probe(m):
        def zeros(x):
            return torch.zeros(x.shape[0], 4)
        return m.rotation_loss(zeros, torch.randn(3, 1, 4, 4))

    assert_close(submission.run(probe), torch.tensor(math.log(4.0)),
                 name="loss of a model with all-zero logits")
