"""Visible examples: read them, run them with `judge test focal-loss FILE`."""

import math

import torch

from judge.testing import assert_close, make_labels, make_logits

LOGITS = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0]])
LABELS = torch.tensor([0, 1])


def test_worked_example_per_example(submission):
    got = submission.focal_loss(LOGITS, LABELS, gamma=2.0, reduction="none")
    assert_close(got, torch.tensor([0.0625 * -math.log(0.75), 0.25 * math.log(2.0)]),
                 name="worked example, reduction='none'")


def test_worked_example_with_class_weights(submission):
    got = submission.focal_loss(LOGITS, LABELS, gamma=2.0, alpha=torch.tensor([0.25, 0.75]))
    want = (0.25 * 0.0625 * -math.log(0.75) + 0.75 * 0.25 * math.log(2.0)) / 2
    assert_close(got, torch.tensor(want), name="worked example with alpha, reduction='mean'")


def test_gamma_zero_is_cross_entropy(submission):
    z, y = make_logits(6, 4, seed=1), make_labels(6, 4, seed=2)
    assert_close(submission.focal_loss(z, y, gamma=0.0), torch.nn.functional.cross_entropy(z, y),
                 name="focal loss at gamma=0")
