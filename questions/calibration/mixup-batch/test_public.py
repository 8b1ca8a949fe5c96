"""Visible examples: read them, run them with `judge test mixup-batch FILE`."""

import math

import torch
import torch.nn.functional as F

from judge.testing import assert_close, generator

X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
Y = torch.tensor([0, 1, 2])


def test_outputs_agree_with_the_returned_lambda_and_permutation(submission):
    out = submission.mixup_batch(X, Y, num_classes=3, alpha=0.4, generator=generator(0))
    lam, perm = out["lam"], out["perm"]
    assert sorted(perm.tolist()) == [0, 1, 2], "perm must be a permutation of 0..B-1"
    assert 0.0 <= lam <= 1.0, "lam must lie in [0, 1]"
    assert_close(out["x"], lam * X + (1 - lam) * X[perm], name="mixed inputs")
    one_hot = F.one_hot(Y, 3).float()
    assert_close(out["targets"], lam * one_hot + (1 - lam) * one_hot[perm], name="soft targets")


def test_loss_worked_example(submission):
    targets = torch.tensor([[0.7, 0.0, 0.3], [0.3, 0.7, 0.0], [0.0, 0.3, 0.7]])
    assert_close(submission.mixup_cross_entropy(torch.zeros(3, 3), targets),
                 torch.tensor(math.log(3.0)), name="loss of uniform predictions")


def test_same_seed_gives_the_same_batch(submission):
    a = submission.mixup_batch(X, Y, 3, 1.0, generator(5))
    b = submission.mixup_batch(X, Y, 3, 1.0, generator(5))
    assert_close(b, a, rtol=0, atol=0, name="two calls with generators of the same seed")
