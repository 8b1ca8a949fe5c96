"""Hidden tests for calibration-debug: each function on its own (ECE against the formula written
out and hand-made bins; the temperature against the NLL minimum over [0.05, 20], including a
validation set on which the model is worse than chance), then the report, whose numbers are
recomputed here from the returned temperature."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, expect, generator, run_unchanged

T_MIN, T_MAX = 0.05, 20.0
KEYS = {"temperature", "train_accuracy", "test_accuracy", "nll_before", "nll_after", "ece_before",
        "ece_after"}


def model_outputs(n, k, seed, scale, signal, dtype=torch.float64):
    """Logits of a classifier: scale * (signal * one_hot(y) + noise), and the labels."""
    g = generator(seed)
    y = torch.randint(0, k, (n,), generator=g)
    z = scale * (signal * F.one_hot(y, k).double() + torch.randn(n, k, generator=g, dtype=torch.float64))
    return z.to(dtype), y


def worse_than_chance(n, k, seed):
    """A small validation set on which the model mostly ranks the true class last."""
    z, y = model_outputs(n, k, seed, 3.0, 1.0)
    flip = torch.rand(n, generator=generator(seed + 1)) < 0.7
    return z, torch.where(flip, z.argmin(dim=1), y)


def saturated(n, k, seed, right, margin=60.0):
    """Rows whose float64 softmax has a maximum of exactly 1.0 (a margin of 60 by default); the
    first `right` are predicted correctly, the others not."""
    g = generator(seed)
    top = torch.randint(0, k, (n,), generator=g)
    z = torch.randn(n, k, generator=g, dtype=torch.float64) + margin * F.one_hot(top, k)
    y = torch.where(torch.arange(n) < right, top, (top + 1) % k)
    return z, y


def make_test_split(seed):
    """An overconfident model's test split, with some saturated rows."""
    z, y = model_outputs(300, 5, seed, 4.0, 1.5)
    zs, ys = saturated(12, 5, seed + 1, right=8)
    return torch.cat([z, zs]), torch.cat([y, ys])


def clear_of_edges(probs, n_bins):
    """The statement promises no confidence within 1e-6 of an interior bin edge: hold the test
    data to it (a failure here is a bug in the test)."""
    conf = probs.max(dim=1).values
    edges = torch.arange(1, n_bins, dtype=torch.float64) / n_bins
    if bool(((conf[:, None] - edges[None, :]).abs() < 1e-6).any()):
        raise RuntimeError("test data puts a confidence on a bin edge")
    return probs


def ece_written_out(probs, labels, n_bins):
    """The statement's ECE term by term: bin m (1-based) holds the confidences in ((m-1)/M, m/M]."""
    bins = {}
    for row, label in zip(probs.tolist(), labels.tolist(), strict=True):
        conf = max(row)
        m = max(1, math.ceil(conf * n_bins))
        bins.setdefault(m, []).append((conf, float(row.index(conf) == label)))
    n = probs.shape[0]
    return math.fsum(len(v) / n * abs(math.fsum(c for _, c in v) / len(v)
                                      - math.fsum(p for p, _ in v) / len(v)) for v in bins.values())


def nll(logits, labels, T):
    return F.cross_entropy(logits.double() / T, labels).item()


# ------------------------------------------------------------------------------ ECE

ECE_CASES = [  # n, K, bins, scale, signal, seed
    (200, 5, 15, 3.0, 1.5, 10),
    (60, 10, 10, 1.0, 2.0, 20),
    (150, 3, 1, 2.0, 1.0, 30),
    (1, 4, 15, 2.0, 1.0, 40),
]


@pytest.mark.parametrize("n,k,bins,scale,signal,seed", ECE_CASES,
                         ids=["n200-15bins", "n60-10bins", "one-bin", "one-example"])
def test_ece_matches_reference(submission, reference, n, k, bins, scale, signal, seed):
    z, y = model_outputs(n, k, seed, scale, signal)
    zs, ys = saturated(5, k, seed + 1, right=2)
    p = clear_of_edges(torch.softmax(torch.cat([z, zs]), dim=-1), bins)
    y = torch.cat([y, ys])
    assert_close(submission.expected_calibration_error(p, y, n_bins=bins),
                 reference.expected_calibration_error(p, y, n_bins=bins),
                 name=f"ECE with {bins} bins (some confidences exactly 1)")


@pytest.mark.parametrize("bins", [15, 7], ids=["15bins", "7bins"])
def test_ece_matches_the_formula_written_out(submission, bins):
    z, y = make_test_split(50)
    p = clear_of_edges(torch.softmax(z, dim=-1), bins)
    assert_close(submission.expected_calibration_error(p, y, n_bins=bins),
                 ece_written_out(p, y, bins), name=f"ECE with {bins} bins against the formula written out")


def test_ece_default_has_15_bins(submission):
    z, y = model_outputs(300, 4, 45, 2.5, 1.2)
    p = clear_of_edges(torch.softmax(z, dim=-1), 15)
    assert_close(submission.expected_calibration_error(p, y), ece_written_out(p, y, 15),
                 name="ECE with the default number of bins")


def test_ece_counts_confidence_one(submission):
    probs = torch.eye(3, dtype=torch.float64)
    labels = torch.tensor([1, 2, 0])            # fully confident and always wrong
    assert_close(submission.expected_calibration_error(probs, labels, n_bins=10), 1.0,
                 name="ECE of confidence-1 predictions that are all wrong")
    probs = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.65, 0.35], [0.35, 0.65]], dtype=torch.float64)
    labels = torch.tensor([0, 1, 0, 0])
    # bin (0.9, 1]: two examples, accuracy 1/2, confidence 1; bin (0.6, 0.7]: accuracy 1/2, conf 0.65
    assert_close(submission.expected_calibration_error(probs, labels, n_bins=10),
                 0.5 * 0.5 + 0.5 * 0.15, name="ECE with two confidences of exactly 1 among four")


def test_ece_weights_bins_by_their_size(submission):
    probs = torch.tensor([[0.95, 0.05]] * 9 + [[0.55, 0.45]], dtype=torch.float64)
    labels = torch.tensor([0] * 9 + [1])
    # bin (0.9, 1]: 9 examples, acc 1, conf 0.95;  bin (0.5, 0.6]: 1 example, acc 0, conf 0.55
    assert_close(submission.expected_calibration_error(probs, labels, n_bins=10),
                 0.9 * 0.05 + 0.1 * 0.55, name="ECE of a 9-example bin and a 1-example bin")


def test_ece_inputs_are_not_modified(submission):
    z, y = make_test_split(55)
    p = torch.softmax(z, dim=-1)

    def probe(m, p, y):
        m.expected_calibration_error(p, y, n_bins=15)

    run_unchanged(submission, probe, p, y, name="probs and labels after the call")


# ------------------------------------------------------------------------------ temperature

def check_fit(T, T_ref, z, y, what):
    expect(isinstance(T, float), f"{what}: the temperature is a Python float",
           f"got {type(T).__name__}", prop="type")
    expect(math.isfinite(T) and T_MIN <= T <= T_MAX, f"{what}: the temperature lies in [0.05, 20]",
           f"got {T!r}")
    gap = nll(z, y, T) - nll(z, y, T_ref)
    expect(gap <= 1e-5, f"{what}: NLL at the fitted temperature is within 1e-5 of the minimum",
           f"{gap:.3g} above it (T = {T:.5g})")
    expect(abs(T / T_ref - 1.0) <= 1e-2, f"{what}: the temperature is within 1% of the minimiser",
           f"T = {T:.5g}")


FIT_CASES = [  # n, K, scale, signal, seed, dtype
    (200, 5, 4.0, 1.5, 0, torch.float64),
    (150, 10, 0.5, 2.0, 1, torch.float64),
    (300, 3, 8.0, 1.0, 2, torch.float32),
    (60, 4, 3.0, 1.0, 3, torch.float64),
    (100, 4, 10.0, 0.5, 200, torch.float64),     # the minimiser is about T = 16
]


@pytest.mark.parametrize("n,k,scale,signal,seed,dtype", FIT_CASES,
                         ids=["overconfident-K5", "underconfident-K10", "float32-very-overconfident",
                              "n60-K4", "minimiser-near-20"])
def test_fitted_temperature_minimises_the_nll(submission, reference, n, k, scale, signal, seed, dtype):
    z, y = model_outputs(n, k, seed, scale, signal, dtype)
    check_fit(submission.fit_temperature(z, y), reference.fit_temperature(z, y), z, y,
              "held-out logits")


@pytest.mark.parametrize("seed", [4, 5], ids=["seed4", "seed5"])
def test_model_worse_than_chance_gets_the_largest_temperature(submission, seed):
    z, y = worse_than_chance(40, 3, seed)
    # the NLL falls as T grows over the whole interval, so its minimiser there is T = 20
    expect(nll(z, y, 19.0) > nll(z, y, 20.0), "test data: NLL decreasing at T = 20")
    check_fit(submission.fit_temperature(z, y), T_MAX, z, y,
              "validation set on which the model is worse than chance")


def test_minimiser_below_the_interval_gives_the_smallest_temperature(submission):
    # a very underconfident model: the NLL's minimiser over all T > 0 is about 0.035
    z, y = model_outputs(100, 4, 200, 0.09, 3.0)
    expect(nll(z, y, 0.051) > nll(z, y, 0.05), "test data: NLL increasing at T = 0.05")
    check_fit(submission.fit_temperature(z, y), T_MIN, z, y,
              "held-out logits whose NLL minimiser over all T > 0 lies below 0.05")


def test_fit_inputs_are_not_modified(submission):
    z, y = model_outputs(50, 4, 6, 3.0, 1.0)

    def probe(m, z, y):
        m.fit_temperature(z, y)

    run_unchanged(submission, probe, z, y, name="logits and labels after fit_temperature")


# ------------------------------------------------------------------------------ the report

def splits(seed):
    """Train (an overfit model: nearly all right, very confident), validation and test splits."""
    train = model_outputs(300, 5, seed, 3.0, 5.0)
    val = model_outputs(200, 5, seed + 1, 4.0, 1.5)
    test = make_test_split(seed + 2)
    return (*train, *val, *test)


def run_report(submission, seed, n_bins=15, args=None):
    """The report on splits(seed) (or on `args`), with `n_bins` bins (None: the default)."""
    args = splits(seed) if args is None else args
    kwargs = {} if n_bins is None else {"n_bins": n_bins}
    report = submission.calibration_report(*args, **kwargs)
    expect(isinstance(report, dict) and set(report) == KEYS, "the report's keys", prop="keys")
    for key in KEYS:
        expect(isinstance(report[key], float) and math.isfinite(report[key]),
               f"report['{key}'] is a finite Python float", f"got {report[key]!r}", prop="type")
    return args, report


@pytest.mark.parametrize("seed", [60, 70], ids=["seed60", "seed70"])
def test_report_temperature_is_fitted_on_the_validation_split(submission, reference, seed):
    args, report = run_report(submission, seed)
    val_z, val_y = args[2], args[3]
    check_fit(report["temperature"], reference.fit_temperature(val_z, val_y), val_z, val_y,
              "report['temperature'] on the validation split")


def test_report_accuracies(submission):
    args, report = run_report(submission, 80)
    (tr_z, tr_y), (te_z, te_y) = (args[0], args[1]), (args[4], args[5])
    assert_close([report["train_accuracy"], report["test_accuracy"]],
                 [(tr_z.argmax(1) == tr_y).double().mean().item(),
                  (te_z.argmax(1) == te_y).double().mean().item()],
                 rtol=1e-12, atol=1e-12, name="report: train and test accuracy")


@pytest.mark.parametrize("seed", [90, 100], ids=["seed90", "seed100"])
def test_report_nll_recomputed_at_the_returned_temperature(submission, seed):
    args, report = run_report(submission, seed)
    z, y, T = args[4], args[5], report["temperature"]
    expect(T > 0, "report['temperature'] is positive", f"got {T!r}")
    written = [-(float(row[label]) - math.log(math.fsum(math.exp(v) for v in row.tolist())))
               for row, label in zip(z, y.tolist(), strict=True)]
    assert_close(report["nll_before"], math.fsum(written) / len(written),
                 name="report: test NLL at temperature 1")
    assert_close(report["nll_after"], nll(z, y, T), name="report: test NLL at the returned temperature")


@pytest.mark.parametrize("seed,n_bins", [(110, 15), (120, 10)], ids=["15bins", "10bins"])
def test_report_ece_recomputed_at_the_returned_temperature(submission, seed, n_bins):
    args, report = run_report(submission, seed, n_bins)
    z, y, T = args[4], args[5], report["temperature"]
    expect(T > 0, "report['temperature'] is positive", f"got {T!r}")
    before = clear_of_edges(torch.softmax(z, dim=1), n_bins)
    after = torch.softmax(z / T, dim=1)
    assert_close(report["ece_before"], ece_written_out(before, y, n_bins),
                 name=f"report: test ECE at temperature 1 ({n_bins} bins)")
    assert_close(report["ece_after"], ece_written_out(after, y, n_bins),
                 name=f"report: test ECE at the returned temperature ({n_bins} bins)")


def test_report_default_has_15_bins(submission):
    args, report = run_report(submission, 150, n_bins=None)
    z, y, T = args[4], args[5], report["temperature"]
    expect(T > 0, "report['temperature'] is positive", f"got {T!r}")
    before = clear_of_edges(torch.softmax(z, dim=1), 15)
    assert_close(report["ece_before"], ece_written_out(before, y, 15),
                 name="report with the default n_bins: test ECE at temperature 1")
    assert_close(report["ece_after"], ece_written_out(torch.softmax(z / T, dim=1), y, 15),
                 name="report with the default n_bins: test ECE at the returned temperature")


def test_report_nll_with_confidently_wrong_test_rows(submission, reference):
    # an underconfident validation split (T well below 1) and three test rows wrong by a margin of
    # 1000, the most the statement allows; at T the margin grows further
    train = model_outputs(300, 5, 160, 3.0, 5.0)
    val = model_outputs(200, 5, 161, 0.5, 2.0)
    z, y = make_test_split(162)
    zw, yw = saturated(3, 5, 163, right=0, margin=1000.0)
    z, y = torch.cat([z, zw]), torch.cat([y, yw])
    args, report = run_report(submission, None, args=(*train, *val, z, y))
    T = report["temperature"]
    check_fit(T, reference.fit_temperature(*val), *val, "report['temperature'] on the validation split")
    written = []
    for row, label in zip(z.tolist(), y.tolist(), strict=True):
        top = max(row)
        written.append(top + math.log(math.fsum(math.exp(v - top) for v in row)) - row[label])
    assert_close(report["nll_before"], math.fsum(written) / len(written),
                 name="report: test NLL at temperature 1, with rows wrong by a margin of 1000")
    assert_close(report["nll_after"], nll(z, y, T),
                 name="report: test NLL at the returned temperature, with rows wrong by a margin of 1000")


def test_report_inputs_are_not_modified(submission):
    args = splits(130)

    def probe(m, *args):
        m.calibration_report(*args)

    run_unchanged(submission, probe, *args, name="the six input tensors after calibration_report")
