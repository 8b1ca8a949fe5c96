"""Hidden tests for label-smoothing-ce: differential checks, conventions, stability, ignore_index."""

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, make_labels, make_logits, run_unchanged

CASES = [  # N, K, eps, scale
    (8, 10, 0.1, 3.0),
    (1, 5, 0.3, 3.0),
    (16, 3, 0.05, 1.0),
    (6, 7, 0.9, 2.0),
]


@pytest.mark.parametrize("N,K,eps,scale", CASES, ids=["N8-K10", "N1-K5", "N16-K3", "N6-K7-eps0.9"])
def test_matches_reference(submission, reference, N, K, eps, scale):
    x = make_logits(N, K, seed=N + K, scale=scale)
    y = make_labels(N, K, seed=N + K + 1)
    assert_close(submission.label_smoothing_ce(x, y, eps), reference.label_smoothing_ce(x, y, eps),
                 name="loss")


def test_agrees_with_torch_label_smoothing(submission):
    x = make_logits(12, 6, seed=30)
    y = make_labels(12, 6, seed=31)
    assert_close(submission.label_smoothing_ce(x, y, 0.25),
                 F.cross_entropy(x, y, label_smoothing=0.25),
                 name="loss vs the uniform-over-all-K convention (eps/K on every class)")


def test_eps_zero_is_plain_cross_entropy(submission):
    x = make_logits(7, 5, seed=32)
    y = make_labels(7, 5, seed=33)
    assert_close(submission.label_smoothing_ce(x, y, 0.0), F.cross_entropy(x, y),
                 name="loss at eps=0 (ordinary cross-entropy)")


def test_eps_one_ignores_the_labels(submission):
    x = make_logits(6, 4, seed=34)
    y1, y2 = make_labels(6, 4, seed=35), make_labels(6, 4, seed=36)
    a = submission.label_smoothing_ce(x, y1, 1.0)
    b = submission.label_smoothing_ce(x, y2, 1.0)
    assert_close(a, -F.log_softmax(x, -1).mean(),
                 name="loss at eps=1 (the target is uniform over all K classes)")
    assert_close(a, b, name="loss at eps=1 with different labels (should not depend on them)")


def test_large_logits_stay_finite(submission, reference):
    x = make_logits(5, 8, seed=37, scale=300.0)
    y = make_labels(5, 8, seed=38)
    got = submission.label_smoothing_ce(x, y, 0.1)
    assert_close(got, reference.label_smoothing_ce(x, y, 0.1), rtol=1e-4,
                 name="loss with logits of size ~1000")


def test_ignored_rows_are_left_out_of_the_mean(submission):
    x = make_logits(8, 5, seed=39)
    y = make_labels(8, 5, seed=40)
    y[[1, 4, 5]] = -100
    keep = y != -100
    assert_close(submission.label_smoothing_ce(x, y, 0.2),
                 F.cross_entropy(x[keep], y[keep], label_smoothing=0.2),
                 name="loss with ignore_index=-100 rows (excluded from the sum and the count)")


def test_custom_ignore_index(submission, reference):
    x = make_logits(6, 4, seed=41)
    y = torch.tensor([0, 3, 1, 3, 2, 0])
    assert_close(submission.label_smoothing_ce(x, y, 0.1, ignore_index=3),
                 reference.label_smoothing_ce(x, y, 0.1, ignore_index=3),
                 name="loss with ignore_index=3 (a valid class id used as the ignore marker)")


def test_single_class_gives_zero_loss(submission):
    x = make_logits(4, 1, seed=42)
    y = torch.zeros(4, dtype=torch.long)
    assert_close(submission.label_smoothing_ce(x, y, 0.3), torch.tensor(0.0), atol=1e-6,
                 name="loss with a single class (softmax is 1)")


def test_gradient_on_logits(submission, reference):
    def probe(m):
        x = make_logits(6, 5, seed=43, requires_grad=True)
        y = make_labels(6, 5, seed=44)
        y[2] = -100
        m.label_smoothing_ce(x, y, 0.2).backward()
        return x.grad if x.grad is not None else torch.zeros(1)

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradient on the logits (ignored rows must get zero gradient)")


def test_float64_and_scalar_output(submission, reference):
    x = make_logits(5, 6, seed=45, dtype=torch.float64)
    y = make_labels(5, 6, seed=46)
    got = submission.label_smoothing_ce(x, y, 0.15)
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "expected a float64 scalar tensor of shape ()")
    assert_close(got, reference.label_smoothing_ce(x, y, 0.15), rtol=1e-10, atol=1e-12,
                 name="loss on float64 logits")


def test_inputs_are_not_modified(submission):
    x = make_logits(4, 3, seed=47)
    y = torch.tensor([0, -100, 2, 1])

    def probe(m, x, y):
        m.label_smoothing_ce(x, y, 0.1)

    run_unchanged(submission, probe, x, y, name="inputs after the call")
