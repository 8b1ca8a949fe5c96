"""Visible examples: read them, run them with `judge test relational-kd FILE`."""

import torch

from judge.testing import assert_close, randn


def test_worked_example(submission):
    t = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    s = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    assert_close(submission.rkd_distance_loss(s, t), torch.tensor(0.0277267, dtype=torch.float64),
                 atol=1e-6, name="distance-wise loss of the worked example")
    assert_close(submission.rkd_angle_loss(s, t), torch.tensor(0.0171056, dtype=torch.float64),
                 atol=1e-6, name="angle-wise loss of the worked example")
    assert_close(submission.rkd_loss(s, t), torch.tensor(0.0619378, dtype=torch.float64),
                 atol=1e-6, name="combined loss with the default weights (1, 2)")


def test_matches_reference_on_a_random_batch(submission, reference):
    s, t = randn(6, 4, seed=1), randn(6, 8, seed=2, scale=3.0)
    assert_close(submission.rkd_loss(s, t, 1.0, 2.0), reference.rkd_loss(s, t, 1.0, 2.0), name="loss")
