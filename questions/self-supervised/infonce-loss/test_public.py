"""Visible examples: read them, run them with `judge test infonce-loss FILE`."""

import math

import torch

from judge.testing import assert_close, make_embeddings


def test_worked_example(submission):
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    expected = 0.5 * math.log(2.0) + 0.5 * math.log(1.0 + math.exp(-4.0))  # 0.355649
    assert_close(submission.info_nce_loss(q, k, temperature=0.5), torch.tensor(expected),
                 atol=1e-5, name="worked example loss")


def test_matches_reference_on_a_random_batch(submission, reference):
    q, k = make_embeddings(5, 4, seed=1), make_embeddings(5, 4, seed=2)
    assert_close(submission.info_nce_loss(q, k, 0.7), reference.info_nce_loss(q, k, 0.7),
                 name="loss on a random batch of 5")
