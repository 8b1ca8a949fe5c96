"""Visible examples for decoupled-kd: run them with `judge test decoupled-kd FILE`."""

import math

import torch

from judge.testing import assert_close, make_labels, make_logits


def test_worked_example(submission):
    s = torch.zeros(1, 3)
    t = torch.tensor([[2 * math.log(6.0), 2 * math.log(3.0), 0.0]])
    y = torch.tensor([0])
    tckd, nckd = submission.dkd_terms(s, t, y, 2.0)
    assert_close(tckd, torch.tensor(0.593367), name="TCKD of the worked example")
    assert_close(nckd, torch.tensor(0.523248), name="NCKD of the worked example")
    assert_close(submission.dkd_loss(s, t, y, 1.0, 8.0, 2.0), torch.tensor(4.779352),
                 name="DKD loss of the worked example (alpha=1, beta=8)")


def test_identical_logits_give_zero(submission):
    s = make_logits(4, 5, seed=1)
    tckd, nckd = submission.dkd_terms(s, s.clone(), make_labels(4, 5, seed=2), 4.0)
    assert_close(tckd, torch.tensor(0.0), atol=1e-6, name="TCKD when the student equals the teacher")
    assert_close(nckd, torch.tensor(0.0), atol=1e-6, name="NCKD when the student equals the teacher")
