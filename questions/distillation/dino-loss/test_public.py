"""Visible examples: read them, run them with `judge test dino-loss FILE`."""

import math

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    t = torch.tensor([[[math.log(3.0), 0.0]], [[0.0, 0.0]]])   # (V_t=2, B=1, K=2)
    s = torch.tensor([[[0.0, 0.0]], [[math.log(3.0), 0.0]]])   # (V_s=2, B=1, K=2)
    loss, center = submission.dino_loss(s, t, torch.zeros(2), 1.0, 1.0, 0.9)
    # pairs (t0, s1): H([.75, .25], [.75, .25]) = 0.562335; (t1, s0): H([.5, .5], [.5, .5]) = ln 2
    assert_close(loss, torch.tensor(0.627741), atol=1e-5, name="worked example loss")
    assert_close(center, torch.tensor([0.0549306, 0.0]), atol=1e-6, name="worked example new center")


def test_matches_reference_with_local_views(submission, reference):
    s, t = randn(5, 3, 6, seed=1, scale=2.0), randn(2, 3, 6, seed=2, scale=2.0)
    c = randn(6, seed=3, scale=0.5)
    got = submission.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    want = reference.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    assert_close(got[0], want[0], name="loss")
    assert_close(got[1], want[1], name="new center")
