"""Visible examples: read them, run them with `judge test simsiam-loss FILE`."""

import math

import torch

from judge.testing import assert_close, make_embeddings


def test_worked_example(submission):
    p1, z2 = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]])
    p2, z1 = torch.tensor([[0.0, 2.0]]), torch.tensor([[0.0, -1.0]])
    expected = 0.5 * (-1.0 / math.sqrt(2.0)) + 0.5 * 1.0  # 0.146447
    assert_close(submission.simsiam_loss(p1, p2, z1, z2), torch.tensor(expected), atol=1e-5,
                 name="worked example loss")


def test_matches_reference_on_a_random_batch(submission, reference):
    p1, p2, z1, z2 = (make_embeddings(4, 6, seed=s) for s in (1, 2, 3, 4))
    assert_close(submission.simsiam_loss(p1, p2, z1, z2), reference.simsiam_loss(p1, p2, z1, z2),
                 name="loss on a random batch of 4")
