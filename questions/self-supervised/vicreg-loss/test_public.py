"""Visible examples for vicreg-loss."""

import torch

from judge.testing import assert_close, make_embeddings


def test_worked_example(submission):
    z1 = torch.tensor([[1.0, 1.0], [-1.0, -1.0]])
    z2 = torch.tensor([[1.0, 0.0], [-1.0, 0.0]])
    assert_close(submission.vicreg_loss(z1, z2), torch.tensor(28.875), name="worked example")


def test_matches_reference_on_a_random_batch(submission, reference):
    z1, z2 = make_embeddings(8, 4, seed=1) * 0.5, make_embeddings(8, 4, seed=2) * 0.5
    assert_close(submission.vicreg_loss(z1, z2), reference.vicreg_loss(z1, z2), name="loss")
