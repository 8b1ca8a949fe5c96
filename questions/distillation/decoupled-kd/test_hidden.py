"""Hidden tests for decoupled-kd: differential checks, the formula written out term by term, the
KD decomposition identity, edge shapes, very confident logits, float64, gradients, inputs."""

import math

import pytest
import torch

from judge.testing import assert_close, make_labels, make_logits, run_unchanged

CASES = [  # batch, classes, temperature, logit scale
    (8, 10, 4.0, 3.0),
    (1, 5, 2.0, 3.0),
    (16, 3, 1.0, 2.0),
    (6, 7, 8.0, 5.0),
    (5, 2, 3.0, 3.0),
]
IDS = ["B8-C10-T4", "B1-C5-T2", "B16-C3-T1", "B6-C7-T8", "B5-C2-T3"]


def _inputs(batch, classes, scale, seed, dtype=torch.float32):
    s = make_logits(batch, classes, seed=seed, scale=scale, dtype=dtype)
    t = make_logits(batch, classes, seed=seed + 100, scale=scale, dtype=dtype)
    return s, t, make_labels(batch, classes, seed=seed + 200)


def _lse(values):
    m = max(values)
    return m + math.log(sum(math.exp(v - m) for v in values))


def _kl(log_p, log_q):
    return sum(math.exp(a) * (a - b) for a, b in zip(log_p, log_q, strict=True))


def formula(s, t, y, T):
    """TCKD and NCKD written out from the statement in double precision, one example at a time."""
    tckd = nckd = 0.0
    for i in range(s.shape[0]):
        parts = []
        for z in (s[i], t[i]):
            z = [float(v) / T for v in z]
            k = int(y[i])
            others = [v for j, v in enumerate(z) if j != k]
            lse_all, lse_oth = _lse(z), _lse(others)
            binary = [z[k] - lse_all, lse_oth - lse_all]
            hat = [v - lse_oth for v in others]
            parts.append((binary, hat))
        (bs, hs), (bt, ht) = parts
        tckd += _kl(bt, bs)
        nckd += _kl(ht, hs)
    n = s.shape[0]
    return T * T * tckd / n, T * T * nckd / n


@pytest.mark.parametrize("batch,classes,temperature,scale", CASES, ids=IDS)
def test_terms_match_reference(submission, reference, batch, classes, temperature, scale):
    s, t, y = _inputs(batch, classes, scale, seed=batch + classes)
    got = submission.dkd_terms(s, t, y, temperature)
    want = reference.dkd_terms(s, t, y, temperature)
    assert_close(got, want, name="(TCKD, NCKD)")


@pytest.mark.parametrize("alpha,beta", [(1.0, 8.0), (0.5, 2.0), (2.0, 0.0)],
                         ids=["a1-b8", "a0.5-b2", "a2-b0"])
def test_loss_matches_reference(submission, reference, alpha, beta):
    s, t, y = _inputs(6, 9, 3.0, seed=31)
    assert_close(submission.dkd_loss(s, t, y, alpha, beta, 4.0),
                 reference.dkd_loss(s, t, y, alpha, beta, 4.0),
                 name=f"DKD loss at alpha={alpha:g}, beta={beta:g}")


@pytest.mark.parametrize("batch,classes,temperature", [(4, 6, 3.0), (7, 4, 1.0)],
                         ids=["B4-C6-T3", "B7-C4-T1"])
def test_terms_match_the_formula_written_out(submission, batch, classes, temperature):
    s, t, y = _inputs(batch, classes, 3.0, seed=40 + batch)
    tckd, nckd = formula(s, t, y, temperature)
    got = submission.dkd_terms(s, t, y, temperature)
    assert_close(got, (torch.tensor(tckd), torch.tensor(nckd)),
                 name="(TCKD, NCKD) against the formula written out")


def test_loss_weights_each_term(submission):
    s, t, y = _inputs(5, 6, 3.0, seed=50)
    tckd, nckd = formula(s, t, y, 2.0)
    assert_close(submission.dkd_loss(s, t, y, 1.0, 0.0, 2.0), torch.tensor(tckd),
                 name="DKD loss at alpha=1, beta=0 (TCKD alone)")
    assert_close(submission.dkd_loss(s, t, y, 0.0, 1.0, 2.0), torch.tensor(nckd),
                 name="DKD loss at alpha=0, beta=1 (NCKD alone)")
    assert_close(submission.dkd_loss(s, t, y, 3.0, 0.5, 2.0), torch.tensor(3.0 * tckd + 0.5 * nckd),
                 name="DKD loss at alpha=3, beta=0.5")


@pytest.mark.parametrize("classes,temperature,seed", [(5, 2.0, 60), (8, 1.0, 61), (3, 6.0, 62)],
                         ids=["C5-T2", "C8-T1", "C3-T6"])
def test_decomposes_classical_kd(submission, classes, temperature, seed):
    s, t, y = _inputs(1, classes, 3.0, seed=seed)
    T = temperature
    log_ps = [v - _lse([float(u) / T for u in s[0]]) for v in (float(u) / T for u in s[0])]
    log_pt = [v - _lse([float(u) / T for u in t[0]]) for v in (float(u) / T for u in t[0])]
    kd = T * T * _kl(log_pt, log_ps)
    weight = 1.0 - math.exp(log_pt[int(y[0])])
    tckd, nckd = submission.dkd_terms(s, t, y, T)
    assert_close(tckd + weight * nckd, torch.tensor(kd),
                 name="TCKD + (1 - teacher's target probability) * NCKD against T^2 KL(p_T || p_S) "
                      "for one example")


def test_two_classes_have_zero_nckd(submission):
    s, t, y = _inputs(6, 2, 3.0, seed=70)
    tckd, nckd = submission.dkd_terms(s, t, y, 2.0)
    assert_close(nckd, torch.tensor(0.0), atol=1e-6, name="NCKD with C=2 (one non-target class)")
    assert_close(tckd, torch.tensor(formula(s, t, y, 2.0)[0]), name="TCKD with C=2")


def test_identical_student_and_teacher_give_zero(submission):
    s, _, y = _inputs(5, 6, 3.0, seed=80)
    assert_close(submission.dkd_terms(s, s.clone(), y, 3.0), (torch.tensor(0.0), torch.tensor(0.0)),
                 atol=1e-6, name="(TCKD, NCKD) when the student equals the teacher")


def _confident():
    """A student sure of the target (a logit about 150 above every other), a student sure the
    target is wrong under a teacher sure it is right, a moderate pair, and a student sure of a
    non-target class: log-probabilities far below the log of float32's smallest positive number,
    and exponentials of non-target logits beyond float32's largest number."""
    s = torch.tensor([[150.0, 0.0, -2.0, 1.0], [3.0, -140.0, 0.5, 1.0], [0.2, -0.1, 1.0, 0.0],
                      [0.0, 150.0, -3.0, 1.0]])
    t = torch.tensor([[4.0, 1.0, 0.0, 2.0], [-120.0, 30.0, -1.0, 0.0], [1.0, 0.5, -0.5, 2.0],
                      [2.0, 1.0, 0.5, 0.0]])
    y = torch.tensor([0, 1, 2, 0])
    return s, t, y


def test_very_confident_logits_stay_finite_and_accurate(submission):
    s, t, y = _confident()
    tckd, nckd = formula(s, t, y, 1.0)
    assert_close(submission.dkd_terms(s, t, y, 1.0), (torch.tensor(tckd), torch.tensor(nckd)),
                 name="(TCKD, NCKD) with logits of size ~150 at T=1")


def test_very_confident_logits_gradient(submission, reference):
    s, t, y = _confident()

    def probe(m):
        s_ = s.clone().requires_grad_(True)
        m.dkd_loss(s_, t, y, 1.0, 2.0, 1.0).backward()
        return s_.grad

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradient on the student logits with logits of size ~150 at T=1")


def test_float64_inputs(submission, reference):
    s, t, y = _inputs(5, 6, 3.0, seed=90, dtype=torch.float64)
    assert_close(submission.dkd_terms(s, t, y, 3.0), reference.dkd_terms(s, t, y, 3.0),
                 rtol=1e-9, atol=1e-10, name="(TCKD, NCKD) on float64 logits")
    assert_close(submission.dkd_loss(s, t, y, 1.0, 8.0, 3.0), reference.dkd_loss(s, t, y, 1.0, 8.0, 3.0),
                 rtol=1e-9, atol=1e-10, name="DKD loss on float64 logits")


def test_gradient_reaches_student_only(submission, reference):
    s, t, y = _inputs(6, 5, 3.0, seed=100)

    def probe(m):
        s_, t_ = s.clone().requires_grad_(True), t.clone().requires_grad_(True)
        m.dkd_loss(s_, t_, y, 1.0, 8.0, 4.0).backward()
        teacher = t_.grad if t_.grad is not None else torch.zeros_like(t_)
        return {"student": s_.grad, "teacher": teacher}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher logits")
    assert_close(got["student"], want["student"], name="gradient on the student logits")


def test_inputs_are_not_modified(submission):
    s, t, y = _inputs(4, 5, 3.0, seed=110)

    def probe(m, s, t, y):
        m.dkd_terms(s, t, y, 2.0)
        m.dkd_loss(s, t, y, 1.0, 8.0, 2.0)

    run_unchanged(submission, probe, s, t, y, name="logits and labels after the calls")
