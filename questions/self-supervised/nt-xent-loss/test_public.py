"""Visible examples: read them, run them with `judge test nt-xent-loss FILE`."""

import math

import torch

from judge.testing import assert_close, make_embeddings


def test_worked_example(submission):
    z1 = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    z2 = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
    got = submission.nt_xent_loss(z1, z2, temperature=0.5)
    expected = math.log(1.0 + 2.0 * math.exp(-2.0))  # 0.239545
    assert_close(got, torch.tensor(expected), atol=1e-5, name="worked example loss")


def test_single_pair_has_zero_loss(submission):
    got = submission.nt_xent_loss(torch.tensor([[1.0, 2.0]]), torch.tensor([[-3.0, 0.5]]), 0.1)
    assert_close(got, torch.tensor(0.0), atol=1e-6, name="loss with N=1 (no negatives)")


def test_matches_reference_on_a_random_batch(submission, reference):
    z1, z2 = make_embeddings(4, 8, seed=1), make_embeddings(4, 8, seed=2)
    assert_close(submission.nt_xent_loss(z1, z2, 0.5), reference.nt_xent_loss(z1, z2, 0.5),
                 name="loss on a random batch of 4 pairs")
