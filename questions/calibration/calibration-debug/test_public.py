"""Visible examples: read them, run them with `judge test calibration-debug FILE`."""

import math

import torch

from judge.testing import assert_close


def test_ece_worked_example(submission):
    probs = torch.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.3, 0.25, 0.45], [0.4, 0.35, 0.25]],
                         dtype=torch.float64)
    labels = torch.tensor([0, 0, 2, 1])
    # bin [0, 0.5]: confidences 0.45 (right) and 0.4 (wrong): |0.5 - 0.425| * 2/4
    # bin (0.5, 1]: confidences 0.9 (right) and 0.8 (wrong):  |0.5 - 0.85|  * 2/4
    assert_close(submission.expected_calibration_error(probs, labels, n_bins=2),
                 0.5 * 0.075 + 0.5 * 0.35, name="ECE of the worked example")


def test_temperature_worked_example(submission):
    logits = torch.tensor([[1.0, 0.0]] * 4, dtype=torch.float64)
    labels = torch.tensor([0, 0, 0, 1])     # 3 of 4 right: sigmoid(1 / T) = 3/4
    T = submission.fit_temperature(logits, labels)
    assert_close(T, 1.0 / math.log(3.0), rtol=1e-3, name="fitted temperature of the worked example")
