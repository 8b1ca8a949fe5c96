"""Visible examples for label-smoothing-ce: the worked example and a dense-target cross-check."""

import math

import torch

from judge.testing import assert_close, make_labels, make_logits


def test_worked_example(submission):
    logits = torch.tensor([[math.log(3.0), 0.0]])
    got = submission.label_smoothing_ce(logits, torch.tensor([0]), eps=0.2)
    assert_close(got, torch.tensor(0.397543), atol=1e-5, name="worked example loss")


def test_matches_a_dense_target_computation(submission):
    logits = make_logits(5, 4, seed=1, dtype=torch.float64)
    y = make_labels(5, 4, seed=2)
    eps, K = 0.1, 4
    q = (1 - eps) * torch.nn.functional.one_hot(y, K).double() + eps / K
    p = torch.softmax(logits, dim=-1)
    want = -(q * p.log()).sum(dim=-1).mean()
    assert_close(submission.label_smoothing_ce(logits, y, eps), want,
                 name="loss vs -sum q log p with a dense smoothed target")
