"""Hidden tests for temperature-scaling-ece: ECE conventions and an optimiser-agnostic fit check."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, generator, run_unchanged


def model_outputs(n, k, seed, scale, signal, dtype=torch.float32):
    """Synthetic logits of a classifier: scale * (signal * one_hot(y) + noise)."""
    g = generator(seed)
    y = torch.randint(0, k, (n,), generator=g)
    z = scale * (signal * F.one_hot(y, k).double() + torch.randn(n, k, generator=g, dtype=torch.float64))
    return z.to(dtype), y


def nll(logits, labels, T):
    return F.cross_entropy(logits.double() / float(T), labels).item()


ECE_CASES = [  # n, K, bins, scale, signal, seed
    (200, 5, 15, 3.0, 1.5, 10),
    (50, 10, 10, 1.0, 2.0, 20),
    (120, 3, 1, 2.0, 1.0, 30),
    (1, 4, 15, 2.0, 1.0, 40),
]


@pytest.mark.parametrize("n,K,bins,scale,signal,seed", ECE_CASES,
                         ids=["n200-15bins", "n50-10bins", "one-bin", "one-example"])
def test_ece_matches_reference(submission, reference, n, K, bins, scale, signal, seed):
    z, y = model_outputs(n, K, seed, scale, signal)
    p = torch.softmax(z, dim=-1)
    got = float(submission.expected_calibration_error(p, y, n_bins=bins))
    want = float(reference.expected_calibration_error(p, y, n_bins=bins))
    assert math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-6), f"ECE with {bins} bins: got {got}"


def test_ece_default_has_15_bins(submission, reference):
    z, y = model_outputs(300, 4, 45, 2.5, 1.2)
    p = torch.softmax(z, dim=-1)
    got = float(submission.expected_calibration_error(p, y))
    want = float(reference.expected_calibration_error(p, y, n_bins=15))
    assert math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-6), "ECE with the default number of bins"


def test_ece_bins_are_closed_on_the_right(submission):
    # with 4 bins, the confidences 0.5 (row 1) and 0.75 (row 2) sit exactly on bin edges and
    # belong to the lower bin
    probs = torch.tensor([[0.25, 0.2, 0.2, 0.35], [0.5, 0.3, 0.2, 0.0], [0.75, 0.25, 0.0, 0.0],
                          [0.1, 0.6, 0.3, 0.0], [0.0, 0.0, 0.1, 0.9]], dtype=torch.float64)
    labels = torch.tensor([3, 1, 0, 1, 2])
    # (0.25, 0.5]: rows 0 (0.35, right) and 1 (0.5, wrong); (0.5, 0.75]: rows 2 (0.75, right) and
    # 3 (0.6, right); (0.75, 1]: row 4 (0.9, wrong)
    expected = (2 / 5) * abs(0.5 - 0.425) + (2 / 5) * abs(1.0 - 0.675) + (1 / 5) * abs(0.0 - 0.9)
    got = float(submission.expected_calibration_error(probs, labels, n_bins=4))
    assert math.isclose(got, expected, abs_tol=1e-9), (
        "ECE when confidences fall exactly on bin edges (bins are (lo, hi], the first one [0, hi])")


def test_ece_counts_confidence_one(submission):
    probs = torch.eye(3, dtype=torch.float64)
    labels = torch.tensor([1, 2, 0])   # fully confident and always wrong
    got = float(submission.expected_calibration_error(probs, labels, n_bins=10))
    assert math.isclose(got, 1.0, abs_tol=1e-9), (
        "ECE of confidence-1 predictions that are all wrong (a confidence of 1.0 must land in the last bin)")


def test_ece_weights_bins_by_their_size(submission):
    probs = torch.tensor([[0.95, 0.05]] * 9 + [[0.55, 0.45]], dtype=torch.float64)
    labels = torch.tensor([0] * 9 + [1])
    # bin (0.9, 1]: 9 examples, acc 1, conf 0.95;  bin (0.5, 0.6]: 1 example, acc 0, conf 0.55
    expected = 0.9 * 0.05 + 0.1 * 0.55
    got = float(submission.expected_calibration_error(probs, labels, n_bins=10))
    assert math.isclose(got, expected, abs_tol=1e-9), (
        "ECE should weight each bin's |acc - conf| by its share of the examples")


FIT_CASES = [  # n, K, scale, signal, seed  (overconfident and underconfident models)
    (200, 5, 4.0, 1.5, 0),
    (100, 10, 0.5, 2.0, 1),
    (300, 3, 8.0, 1.0, 2),
    (60, 4, 3.0, 1.0, 3),
]


@pytest.mark.parametrize("n,K,scale,signal,seed", FIT_CASES,
                         ids=["overconfident-K5", "underconfident-K10", "very-overconfident-K3", "n60-K4"])
def test_fitted_temperature_minimises_nll(submission, reference, n, K, scale, signal, seed):
    z, y = model_outputs(n, K, seed, scale, signal)
    T = float(submission.fit_temperature(z, y))
    T_ref = float(reference.fit_temperature(z, y))
    assert T > 0 and math.isfinite(T), f"the temperature must be a positive number, got {T}"
    gap = nll(z, y, T) - nll(z, y, T_ref)
    assert gap <= 1e-5, f"NLL at your temperature is {gap:.3g} above the minimum (optimise to convergence)"
    assert math.isclose(T, T_ref, rel_tol=1e-2), (
        f"temperature {T:.5g} is not within 1% of the NLL minimiser "
        "(divide the logits by T; do not multiply)")


def test_fit_accepts_float64_and_is_order_invariant(submission, reference):
    z, y = model_outputs(150, 6, 5, 3.0, 1.2, dtype=torch.float64)
    perm = torch.randperm(150, generator=generator(6))
    T1 = float(submission.fit_temperature(z, y))
    T2 = float(submission.fit_temperature(z[perm].clone(), y[perm].clone()))
    T_ref = float(reference.fit_temperature(z, y))
    assert math.isclose(T1, T_ref, rel_tol=1e-2), f"temperature on float64 logits: got {T1:.5g}"
    assert math.isclose(T1, T2, rel_tol=1e-3), "the fitted temperature should not depend on the order of examples"


def test_scaling_keeps_accuracy_and_improves_ece(submission, reference):
    z, y = model_outputs(400, 5, 7, 5.0, 1.2)
    T = float(submission.fit_temperature(z, y))
    assert T > 0, f"the temperature must be positive, got {T}"
    assert torch.equal((z / T).argmax(-1), z.argmax(-1)), "temperature scaling must not change predictions"
    before = float(reference.expected_calibration_error(torch.softmax(z, -1), y))
    after = float(reference.expected_calibration_error(torch.softmax(z / T, -1), y))
    assert after < before, (
        f"on overconfident logits the fitted temperature should lower the ECE ({before:.3f} -> {after:.3f})")


def test_inputs_are_not_modified(submission):
    z, y = model_outputs(40, 3, 8, 3.0, 1.0)
    p = torch.softmax(z, -1)

    def probe(m, z, y, p):
        m.expected_calibration_error(p, y, n_bins=5)
        m.fit_temperature(z, y)

    run_unchanged(submission, probe, z, y, p, name="inputs after the calls")
