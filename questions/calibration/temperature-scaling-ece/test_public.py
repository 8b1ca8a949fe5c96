"""Visible examples for temperature-scaling-ece: the worked examples."""

import math

import torch


def test_ece_worked_example(submission):
    probs = torch.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.3, 0.2, 0.5], [0.4, 0.35, 0.25]])
    labels = torch.tensor([0, 0, 2, 1])
    got = float(submission.expected_calibration_error(probs, labels, n_bins=2))
    assert math.isclose(got, 0.2, abs_tol=1e-6), f"worked example ECE: got {got}, expected 0.2"


def test_temperature_worked_example(submission):
    logits = torch.tensor([[1.0, 0.0]] * 4)
    T = float(submission.fit_temperature(logits, torch.tensor([0, 0, 0, 1])))
    assert math.isclose(T, 1.0 / math.log(3.0), rel_tol=1e-3), (
        f"worked example temperature: got {T}, expected 1/ln 3 = 0.910239")
