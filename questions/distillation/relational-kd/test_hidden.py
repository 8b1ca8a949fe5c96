"""Hidden tests for relational-kd: both potentials, the conventions, invariances and gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

CASES = [  # batch, student dim, teacher dim, student scale
    (2, 3, 5, 1.0),
    (5, 4, 4, 1.0),
    (8, 6, 16, 10.0),
]


def _huber(a, b):
    x = abs(a - b)
    return 0.5 * x * x if x <= 1.0 else x - 0.5


def _dist(u, v):
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(u, v)))


def _cos_at(x, i, j, k):
    a = [p - q for p, q in zip(x[i], x[j])]
    b = [p - q for p, q in zip(x[k], x[j])]
    return sum(p * q for p, q in zip(a, b)) / (math.sqrt(sum(v * v for v in a)) * math.sqrt(sum(v * v for v in b)))


def _rotation(d, seed):
    q, _ = torch.linalg.qr(randn(d, d, seed=seed, dtype=torch.float64))
    return q


@pytest.mark.parametrize("batch,ds,dt,scale", CASES, ids=["B2", "B5", "B8-scaled"])
def test_distance_loss_matches_reference(submission, reference, batch, ds, dt, scale):
    s, t = randn(batch, ds, seed=batch, scale=scale), randn(batch, dt, seed=batch + 50)
    assert_close(submission.rkd_distance_loss(s, t), reference.rkd_distance_loss(s, t),
                 name="distance-wise loss")


@pytest.mark.parametrize("batch,ds,dt,scale", CASES[1:], ids=["B5", "B8-scaled"])
def test_angle_loss_matches_reference(submission, reference, batch, ds, dt, scale):
    s, t = randn(batch, ds, seed=batch + 1, scale=scale), randn(batch, dt, seed=batch + 60)
    assert_close(submission.rkd_angle_loss(s, t), reference.rkd_angle_loss(s, t),
                 name="angle-wise loss")


def test_combined_loss_uses_the_given_weights(submission, reference):
    s, t = randn(5, 3, seed=3), randn(5, 6, seed=4)
    assert_close(submission.rkd_loss(s, t, 0.5, 3.0), reference.rkd_loss(s, t, 0.5, 3.0),
                 name="lambda_d * distance + lambda_a * angle with weights (0.5, 3)")
    assert_close(submission.rkd_loss(s, t), reference.rkd_loss(s, t),
                 name="combined loss with the default weights")


def test_against_a_naive_loop(submission):
    s = randn(4, 3, seed=5, scale=4.0, dtype=torch.float64)
    t = randn(4, 2, seed=6, dtype=torch.float64)
    S, T = s.tolist(), t.tolist()
    pairs = [(i, j) for i in range(4) for j in range(4) if i != j]
    ms = sum(_dist(S[i], S[j]) for i, j in pairs) / len(pairs)
    mt = sum(_dist(T[i], T[j]) for i, j in pairs) / len(pairs)
    want_d = sum(_huber(_dist(S[i], S[j]) / ms, _dist(T[i], T[j]) / mt) for i, j in pairs) / len(pairs)
    triplets = [(i, j, k) for i in range(4) for j in range(4) for k in range(4) if len({i, j, k}) == 3]
    want_a = sum(_huber(_cos_at(S, *x), _cos_at(T, *x)) for x in triplets) / len(triplets)
    assert_close(submission.rkd_distance_loss(s, t), torch.tensor(want_d, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10, name="distance-wise loss against a naive loop over pairs i != j")
    assert_close(submission.rkd_angle_loss(s, t), torch.tensor(want_a, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10, name="angle-wise loss against a naive loop over distinct triplets")


def test_large_relational_differences_use_the_linear_part(submission, reference):
    t = randn(5, 3, seed=7)
    s = t.clone()
    s[0] = s[0] + 40.0                       # one far outlier: normalised distances differ by > 1
    assert_close(submission.rkd_distance_loss(s, t), reference.rkd_distance_loss(s, t),
                 name="distance-wise loss with an outlier pair")


def test_invariant_to_student_scale_rotation_and_shift(submission):
    s = randn(6, 4, seed=8, dtype=torch.float64)
    t = randn(6, 5, seed=9, dtype=torch.float64)
    moved = 7.0 * s @ _rotation(4, seed=10) + 3.0
    assert_close(submission.rkd_distance_loss(moved, t), submission.rkd_distance_loss(s, t),
                 rtol=1e-7, atol=1e-9, name="distance-wise loss after scaling, rotating and shifting the student")
    assert_close(submission.rkd_angle_loss(moved, t), submission.rkd_angle_loss(s, t),
                 rtol=1e-7, atol=1e-9, name="angle-wise loss after scaling, rotating and shifting the student")


def test_teacher_equal_to_scaled_student_gives_zero(submission):
    s = randn(5, 3, seed=11)
    t = torch.cat([0.25 * s, torch.zeros(5, 2)], dim=1)      # same geometry, other scale and dim
    assert_close(submission.rkd_loss(s, t, 1.0, 2.0), torch.tensor(0.0), atol=1e-6,
                 name="loss when the teacher's embedding is a scaled copy of the student's")


def test_permuting_the_batch_does_not_change_the_loss(submission):
    s, t = randn(6, 3, seed=12), randn(6, 4, seed=13)
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    assert_close(submission.rkd_loss(s[perm], t[perm], 1.0, 2.0), submission.rkd_loss(s, t, 1.0, 2.0),
                 name="loss after permuting the batch (same permutation for both networks)")


def test_gradient_reaches_student_not_teacher(submission, reference):
    def probe(m):
        s = randn(5, 3, seed=14, requires_grad=True)
        t = randn(5, 4, seed=15, requires_grad=True)
        m.rkd_loss(s, t, 1.0, 2.0).backward()
        return {"student": s.grad, "teacher": t.grad if t.grad is not None else torch.zeros_like(t)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher embeddings (should be none)")
    assert_close(got["student"], want["student"], name="gradient on the student embeddings")


def test_duplicate_embeddings_stay_finite(submission, reference):
    def probe(m):
        s = randn(5, 3, seed=16)
        s[3] = s[1]                                        # two identical student embeddings
        s.requires_grad_(True)
        t = randn(5, 3, seed=17)
        loss = m.rkd_loss(s, t, 1.0, 2.0)
        loss.backward()
        return {"loss": loss.detach(), "grad": s.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["loss"], want["loss"], name="loss with two identical student embeddings (eps)")
    assert_close(got["grad"], want["grad"], name="gradient with two identical student embeddings")


@pytest.mark.parametrize("batch", [2, 4], ids=["B2", "B4"])
def test_collapsed_student_stays_finite(submission, reference, batch):
    # every student embedding equal (for B = 2: the two embeddings are equal): all student distances
    # are 0, so each pair's loss is the Huber loss between 0 and the teacher's normalised distance
    s = randn(1, 3, seed=22, dtype=torch.float64).repeat(batch, 1)
    t = randn(batch, 4, seed=23, dtype=torch.float64)
    T = t.tolist()
    pairs = [(i, j) for i in range(batch) for j in range(batch) if i != j]
    mt = sum(_dist(T[i], T[j]) for i, j in pairs) / len(pairs)
    want = sum(_huber(0.0, _dist(T[i], T[j]) / mt) for i, j in pairs) / len(pairs)
    assert_close(submission.rkd_distance_loss(s, t), torch.tensor(want, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10, name="distance-wise loss when all student embeddings are equal")


def test_float64_inputs(submission, reference):
    s, t = randn(5, 3, seed=18, dtype=torch.float64), randn(5, 4, seed=19, dtype=torch.float64)
    out = submission.rkd_loss(s, t, 1.0, 2.0)
    assert out.dtype == torch.float64, f"expected a float64 result for float64 inputs, got {out.dtype}"
    assert_close(out, reference.rkd_loss(s, t, 1.0, 2.0), rtol=1e-9, atol=1e-10, name="loss on float64 inputs")


def test_inputs_are_not_modified(submission):
    s, t = randn(4, 3, seed=20), randn(4, 3, seed=21)

    def probe(m, s, t):
        m.rkd_loss(s, t, 1.0, 2.0)

    run_unchanged(submission, probe, s, t, name="inputs after the call")
