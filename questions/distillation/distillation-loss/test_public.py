"""Visible examples: read them, run them with `judge test distillation-loss FILE`."""

import math

import torch

from judge.testing import assert_close, make_labels, make_logits


def test_worked_example(submission):
    s = torch.tensor([[0.0, 0.0]])
    t = torch.tensor([[math.log(3.0), 0.0]])
    y = torch.tensor([0])
    got = submission.distillation_loss(s, t, y, temperature=1.0, alpha=0.5)
    assert_close(got, torch.tensor(0.411980), atol=1e-5, name="worked example loss")


def test_matches_reference_on_a_random_batch(submission, reference):
    s, t = make_logits(4, 5, seed=1), make_logits(4, 5, seed=2)
    y = make_labels(4, 5, seed=3)
    assert_close(submission.distillation_loss(s, t, y, temperature=2.0, alpha=0.7),
                 reference.distillation_loss(s, t, y, temperature=2.0, alpha=0.7))
