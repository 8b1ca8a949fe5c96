"""Visible examples: read them, run them with `judge test token-kd-masked FILE`."""

import math

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    s = torch.tensor([[[0.0, 0.0], [5.0, -5.0]]])                   # (1, 2, 2)
    t = torch.tensor([[[2.0 * math.log(3.0), 0.0], [-9.0, 9.0]]])   # token 0 at T=2: [0.75, 0.25]
    mask = torch.tensor([[1, 0]])                                   # token 1 is padding
    # KL = 0.75 ln 1.5 + 0.25 ln 0.5 = 0.130812; times T^2 = 4; one real token
    got = submission.token_kd_loss(s, t, mask, 2.0)
    assert_close(got, torch.tensor(0.523248), atol=1e-5, name="worked example loss")


def test_matches_reference_with_right_padding(submission, reference):
    s, t = randn(2, 4, 6, seed=1, scale=2.0), randn(2, 4, 6, seed=2, scale=2.0)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
    assert_close(submission.token_kd_loss(s, t, mask, 3.0),
                 reference.token_kd_loss(s, t, mask, 3.0), name="loss")
