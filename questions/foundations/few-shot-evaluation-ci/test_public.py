"""Visible examples: read them, run them with `judge test few-shot-evaluation-ci FILE`."""

import math

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    predictions = [torch.tensor([0, 1, 2, 2]), torch.tensor([1, 1, 0, 0]), torch.tensor([2, 0, 1])]
    labels = [torch.tensor([0, 1, 2, 0]), torch.tensor([1, 0, 0, 1]), torch.tensor([2, 0, 1])]
    got = submission.evaluate_episodes(predictions, labels)
    want = {"accuracies": torch.tensor([0.75, 0.5, 1.0], dtype=torch.float64),
            "mean": 0.75, "half_width": 1.96 * 0.25 / math.sqrt(3)}
    assert_close(got, want, name="worked example")


def test_one_episode_raises_value_error(submission):
    def probe(m):
        try:
            m.evaluate_episodes([torch.tensor([1])], [torch.tensor([1])])
        except Exception as exc:
            return type(exc).__name__
        return "no error"

    assert_close(submission.run(probe), "ValueError", name="error raised for a single episode")
