"""Visible examples: read them, run them with `judge test supcon-loss FILE`."""

import torch

from judge.testing import assert_close, make_embeddings, make_labels


def test_worked_example_one_view(submission):
    f = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]).reshape(3, 1, 2)
    got = submission.supcon_loss(f, torch.tensor([0, 0, 1]), 1.0)
    assert_close(got, torch.tensor(0.546990), atol=1e-5,
                 name="worked example (N=3, V=1; the third anchor has no positive)")


def test_worked_example_two_views(submission):
    f = torch.tensor([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]])
    assert_close(submission.supcon_loss(f, torch.tensor([0, 1]), 1.0), torch.tensor(0.551445),
                 atol=1e-5, name="worked example (N=2, V=2, labels 0 and 1)")
    assert_close(submission.supcon_loss(f, torch.tensor([5, 5]), 1.0), torch.tensor(1.218111),
                 atol=1e-5, name="worked example (N=2, V=2, one shared label)")


def test_matches_reference_on_a_random_batch(submission, reference):
    f = make_embeddings(12, 6, seed=1).reshape(6, 2, 6)
    y = make_labels(6, 3, seed=2)
    assert_close(submission.supcon_loss(f, y, 0.5), reference.supcon_loss(f, y, 0.5),
                 name="loss on a random batch (N=6, V=2, D=6, tau=0.5)")
