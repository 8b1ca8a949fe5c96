"""Hidden tests for focal-loss: the reference, the formula written out, the reductions and class
weights, properties (gamma=0 is the cross-entropy, never above it, decreasing in gamma), large
logits, float64, gradients through the modulating factor, bad reductions, unchanged inputs."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, assert_like, expect, make_labels, make_logits, randn, run_unchanged


def weights(classes, seed, dtype=torch.float32):
    """Class weights in (0.1, 2.1), in the dtype of the logits."""
    return (0.1 + 2.0 * torch.rand(classes, generator=torch.Generator().manual_seed(seed),
                                   dtype=torch.float64)).to(dtype)


def written_out(logits, labels, gamma, alpha=None):
    """The per-example loss of the statement, term by term in Python floats."""
    out = []
    for i in range(logits.shape[0]):
        row = [float(v) for v in logits[i]]
        top = max(row)
        log_norm = top + math.log(sum(math.exp(v - top) for v in row))
        y = int(labels[i])
        log_pt = row[y] - log_norm
        a = 1.0 if alpha is None else float(alpha[y])
        out.append(-a * (1.0 - math.exp(log_pt)) ** gamma * log_pt)
    return out


def trusted_loss(logits, labels, gamma, alpha=None):
    """The statement's loss in float64 autograd on the trusted side (per example)."""
    log_pt = F.log_softmax(logits.double(), dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    loss = -((1.0 - log_pt.exp()) ** gamma) * log_pt
    return loss if alpha is None else alpha.double()[labels] * loss


CASES = [  # batch, classes, gamma, with alpha, reduction, logit scale
    (8, 10, 2.0, False, "mean", 3.0),
    (8, 10, 2.0, True, "mean", 3.0),
    (5, 3, 1.0, True, "sum", 2.0),
    (16, 7, 0.5, False, "none", 3.0),
    (6, 4, 5.0, True, "none", 4.0),
    (1, 6, 3.0, True, "mean", 3.0),
]


@pytest.mark.parametrize("batch,classes,gamma,with_alpha,reduction,scale", CASES,
                         ids=["B8-C10-g2-mean", "B8-C10-g2-alpha-mean", "B5-C3-g1-alpha-sum",
                              "B16-C7-g0.5-none", "B6-C4-g5-alpha-none", "B1-C6-g3-alpha-mean"])
def test_matches_reference(submission, reference, batch, classes, gamma, with_alpha, reduction,
                           scale):
    z = make_logits(batch, classes, seed=batch + classes, scale=scale)
    y = make_labels(batch, classes, seed=batch + classes + 1)
    a = weights(classes, seed=batch) if with_alpha else None
    assert_close(submission.focal_loss(z, y, gamma=gamma, alpha=a, reduction=reduction),
                 reference.focal_loss(z, y, gamma=gamma, alpha=a, reduction=reduction),
                 name=f"focal loss (gamma={gamma:g}, reduction={reduction!r})")


@pytest.mark.parametrize("gamma,with_alpha", [(2.0, True), (3.0, False), (1.5, True)],
                         ids=["g2-alpha", "g3", "g1.5-alpha"])
def test_matches_the_formula_written_out(submission, gamma, with_alpha):
    z, y = make_logits(7, 5, seed=20, scale=2.5), make_labels(7, 5, seed=21)
    a = weights(5, seed=22) if with_alpha else None
    per_example = written_out(z, y, gamma, a)
    assert_close(submission.focal_loss(z, y, gamma=gamma, alpha=a, reduction="none"),
                 torch.tensor(per_example, dtype=torch.float32),
                 name=f"per-example loss against the formula written out (gamma={gamma:g})")
    assert_close(submission.focal_loss(z, y, gamma=gamma, alpha=a, reduction="mean"),
                 torch.tensor(math.fsum(per_example) / 7, dtype=torch.float32),
                 name=f"mean loss against the formula written out (gamma={gamma:g})")


def test_gamma_zero_without_weights_is_cross_entropy(submission):
    z, y = make_logits(9, 6, seed=23), make_labels(9, 6, seed=24)
    assert_close(submission.focal_loss(z, y, gamma=0.0, reduction="none"),
                 F.cross_entropy(z, y, reduction="none"),
                 name="per-example loss at gamma=0 without weights (the cross-entropy)")


def test_class_weights_follow_the_true_class_and_mean_is_over_the_batch(submission):
    z = make_logits(8, 4, seed=25)
    y = torch.tensor([0, 0, 0, 0, 0, 1, 2, 3])
    a = torch.tensor([0.1, 2.0, 1.0, 0.5])
    ce = F.cross_entropy(z, y, reduction="none")
    assert_close(submission.focal_loss(z, y, gamma=0.0, alpha=a, reduction="mean"),
                 (a[y] * ce).sum() / 8,
                 name="mean at gamma=0 with class weights (weighted by the true class, divided by B)")


def test_binary_case_is_the_sigmoid_focal_loss_of_the_logit_difference(submission):
    z, y = make_logits(10, 2, seed=26), make_labels(10, 2, seed=27)
    a_pos = 0.25
    expected = []
    for i in range(10):
        d = float(z[i, 1] - z[i, 0])                      # logit of class 1 against class 0
        p1 = 1.0 / (1.0 + math.exp(-d))
        pt, at = (p1, a_pos) if int(y[i]) == 1 else (1.0 - p1, 1.0 - a_pos)
        expected.append(-at * (1.0 - pt) ** 2 * math.log(pt))
    got = submission.focal_loss(z, y, gamma=2.0, alpha=torch.tensor([1.0 - a_pos, a_pos]),
                                reduction="none")
    assert_close(got, torch.tensor(expected, dtype=torch.float32),
                 name="two classes against the alpha-balanced sigmoid focal loss of z1 - z0")


def test_never_above_cross_entropy_and_decreasing_in_gamma(submission):
    z, y = make_logits(12, 5, seed=28), make_labels(12, 5, seed=29)
    losses = [submission.focal_loss(z, y, gamma=g, reduction="none") for g in (0.0, 1.0, 2.0, 4.0)]
    for loss in losses:
        assert_like(loss, torch.zeros(12), name="per-example loss (shape, dtype, finite)")
    ce = F.cross_entropy(z, y, reduction="none")
    stacked = torch.stack(losses)
    expect(bool((stacked <= ce + 1e-6).all()), "per-example focal loss never above the cross-entropy")
    expect(bool((stacked[1:] <= stacked[:-1] + 1e-6).all()),
           "per-example focal loss does not increase with gamma (0, 1, 2, 4)")


def test_large_logits_stay_finite(submission, reference):
    z = make_logits(6, 8, seed=30, scale=100.0)
    y = make_labels(6, 8, seed=31)            # most labels are far below the top logit
    for reduction in ("none", "mean"):
        assert_close(submission.focal_loss(z, y, gamma=2.0, reduction=reduction),
                     reference.focal_loss(z, y, gamma=2.0, reduction=reduction),
                     name=f"loss with logits of size ~300 (reduction={reduction!r})")


def test_confident_correct_predictions_give_zero_loss(submission):
    z = torch.tensor([[200.0, 0.0, -50.0], [0.0, -300.0, 90.0]])
    y = torch.tensor([0, 2])
    assert_close(submission.focal_loss(z, y, gamma=2.0, reduction="none"), torch.zeros(2),
                 atol=1e-12, name="loss of two examples predicted right with probability 1")


def test_float64_inputs(submission, reference):
    z = make_logits(7, 5, seed=32, dtype=torch.float64)
    y = make_labels(7, 5, seed=33)
    a = weights(5, seed=34, dtype=torch.float64)
    for reduction in ("none", "sum"):
        assert_close(submission.focal_loss(z, y, gamma=2.0, alpha=a, reduction=reduction),
                     reference.focal_loss(z, y, gamma=2.0, alpha=a, reduction=reduction),
                     rtol=1e-10, atol=1e-12,
                     name=f"loss on float64 logits (reduction={reduction!r})")


@pytest.mark.parametrize("gamma", [2.0, 1.0, 0.0], ids=["g2", "g1", "g0"])
def test_gradient_matches_reference(submission, reference, gamma):
    a = weights(6, seed=35)

    def probe(m):
        z = make_logits(5, 6, seed=36, requires_grad=True)
        m.focal_loss(z, make_labels(5, 6, seed=37), gamma=gamma, alpha=a, reduction="mean").backward()
        return z.grad

    assert_close(submission.run(probe), reference.run(probe),
                 name=f"gradient of the mean loss with respect to the logits (gamma={gamma:g})")


def test_gradient_against_the_trusted_formula(submission):
    z = make_logits(6, 4, seed=38, dtype=torch.float64)
    y = make_labels(6, 4, seed=39)

    def probe(m, z, y):
        z = z.clone().requires_grad_(True)
        m.focal_loss(z, y, gamma=3.0, reduction="sum").backward()
        return z.grad

    got = submission.run(lambda m: probe(m, z, y))
    zt = z.clone().requires_grad_(True)
    trusted_loss(zt, y, 3.0).sum().backward()
    assert_close(got, zt.grad, rtol=1e-8, atol=1e-10,
                 name="gradient of the summed loss at gamma=3 (through both factors)")


def test_gradient_of_the_per_example_losses(submission):
    z = make_logits(5, 4, seed=51, dtype=torch.float64)
    y, a = make_labels(5, 4, seed=52), weights(4, seed=53, dtype=torch.float64)
    mix = torch.tensor([1.0, -0.5, 2.0, 0.25, -1.5], dtype=torch.float64)

    def probe(m, z, y, a, mix):
        z = z.clone().requires_grad_(True)
        (m.focal_loss(z, y, gamma=2.0, alpha=a, reduction="none") * mix).sum().backward()
        return z.grad

    got = submission.run(lambda m: probe(m, z, y, a, mix))
    zt = z.clone().requires_grad_(True)
    (trusted_loss(zt, y, 2.0, a) * mix).sum().backward()
    assert_close(got, zt.grad, rtol=1e-8, atol=1e-10,
                 name="gradient of a weighted sum of the per-example losses (reduction='none')")


def test_gradient_finite_for_large_logits(submission, reference):
    def probe(m):
        z = make_logits(4, 5, seed=40, scale=100.0, requires_grad=True)
        m.focal_loss(z, make_labels(4, 5, seed=41), gamma=2.0, reduction="sum").backward()
        return z.grad

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradient with logits of size ~300")


def test_single_class_and_single_example(submission):
    z = randn(3, 1, seed=42)
    got = submission.focal_loss(z, torch.zeros(3, dtype=torch.int64), gamma=2.0, reduction="none")
    assert_close(got, torch.zeros(3), atol=1e-7, name="loss with a single class (p = 1)")
    z1, y1 = make_logits(1, 4, seed=43), torch.tensor([2])
    want = written_out(z1, y1, 2.0)
    assert_close(submission.focal_loss(z1, y1, gamma=2.0, reduction="none"), torch.tensor(want),
                 name="per-example loss of a batch of one (shape (1,))")
    assert_close(submission.focal_loss(z1, y1, gamma=2.0), torch.tensor(want[0]),
                 name="mean loss of a batch of one")


def test_defaults_are_gamma_2_without_weights_and_the_mean(submission, reference):
    z, y = make_logits(6, 5, seed=49), make_labels(6, 5, seed=50)
    assert_close(submission.focal_loss(z, y), reference.focal_loss(z, y, 2.0, None, "mean"),
                 name="focal loss with the default gamma, alpha and reduction")


@pytest.mark.parametrize("reduction", ["average", "batchmean", None], ids=["average", "batchmean", "None"])
def test_unknown_reduction_raises_value_error(submission, reduction):
    def probe(m):
        try:
            m.focal_loss(make_logits(3, 4, seed=44), make_labels(3, 4, seed=45), reduction=reduction)
        except Exception as exc:
            return type(exc).__name__
        return "no error"

    assert_close(submission.run(probe), "ValueError", name=f"exception for reduction={reduction!r}")


def test_inputs_are_not_modified(submission):
    z, y, a = make_logits(5, 4, seed=46), make_labels(5, 4, seed=47), weights(4, seed=48)

    def probe(m, z, y, a):
        m.focal_loss(z, y, gamma=2.0, alpha=a, reduction="sum")

    run_unchanged(submission, probe, z, y, a, name="logits, labels and alpha after the call")
