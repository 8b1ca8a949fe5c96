"""Hidden tests for fitnets-hint-loss: differential checks, reduction conventions, gradients."""

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

CASES = [  # batch, C_s, H_s, C_t, H_t  (square maps; kernel = H_s - H_t + 1)
    (4, 3, 5, 6, 5),    # 1x1 regressor, same spatial size
    (3, 2, 7, 4, 4),    # 4x4 regressor
    (1, 4, 6, 8, 3),    # batch of one
    (5, 8, 4, 2, 2),    # student wider than teacher
]


def _inputs(batch, cs, hs, ct, ht, seed, dtype=torch.float32):
    k = hs - ht + 1
    return (randn(batch, cs, hs, hs, seed=seed, dtype=dtype),
            randn(batch, ct, ht, ht, seed=seed + 1, dtype=dtype),
            randn(ct, cs, k, k, seed=seed + 2, scale=0.4, dtype=dtype),
            randn(ct, seed=seed + 3, dtype=dtype))


@pytest.mark.parametrize("batch,cs,hs,ct,ht", CASES,
                         ids=["1x1-regressor", "4x4-regressor", "batch-of-1", "wide-student"])
def test_matches_reference(submission, reference, batch, cs, hs, ct, ht):
    args = _inputs(batch, cs, hs, ct, ht, seed=10 * batch + cs)
    assert_close(submission.hint_loss(*args), reference.hint_loss(*args), name="hint loss")


def test_returns_a_scalar(submission):
    out = submission.hint_loss(*_inputs(2, 3, 4, 3, 2, seed=1))
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_matches_half_squared_norm_batch_mean(submission):
    v, u, w, b = _inputs(3, 2, 3, 2, 2, seed=2, dtype=torch.float64)
    total = 0.0
    for i in range(3):               # naive loop: the regressor written out position by position
        for c in range(2):
            for y in range(2):
                for x in range(2):
                    r = float(b[c]) + float((w[c] * v[i, :, y:y + 2, x:x + 2]).sum())
                    total += 0.5 * (float(u[i, c, y, x]) - r) ** 2
    assert_close(submission.hint_loss(v, u, w, b), torch.tensor(total / 3, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10,
                 name="loss against the formula written out as a loop")


def test_repeating_the_batch_does_not_change_the_loss(submission):
    v, u, w, b = _inputs(2, 3, 4, 2, 3, seed=3)
    once = submission.hint_loss(v, u, w, b)
    twice = submission.hint_loss(torch.cat([v, v]), torch.cat([u, u]), w, b)
    assert_close(twice, once, name="loss on the batch repeated twice (should be a batch mean)")


def test_perfect_regression_gives_zero(submission):
    v, _, w, b = _inputs(3, 2, 5, 4, 3, seed=4)
    u = torch.nn.functional.conv2d(v, w, b)
    assert_close(submission.hint_loss(v, u, w, b), torch.tensor(0.0), atol=1e-6,
                 name="loss when the teacher hint equals the regressor output")


def test_bias_shifts_the_prediction(submission, reference):
    v, u, w, _ = _inputs(2, 2, 3, 3, 3, seed=5)
    b = torch.tensor([3.0, -2.0, 1.0])
    assert_close(submission.hint_loss(v, u, w, b), reference.hint_loss(v, u, w, b),
                 name="loss with a large regressor bias")


def test_gradients_reach_student_and_regressor_not_teacher(submission, reference):
    def probe(m):
        v, u, w, b = (t.clone().requires_grad_(True) for t in _inputs(2, 3, 5, 4, 3, seed=6))
        m.hint_loss(v, u, w, b).backward()
        return {name: (t.grad if t.grad is not None else torch.zeros_like(t))
                for name, t in [("student", v), ("teacher", u), ("weight", w), ("bias", b)]}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher hint (should be none)")
    for key in ("student", "weight", "bias"):
        assert_close(got[key], want[key], name=f"gradient on the {key}")


def test_float64_inputs(submission, reference):
    args = _inputs(3, 2, 6, 3, 4, seed=7, dtype=torch.float64)
    out = submission.hint_loss(*args)
    assert out.dtype == torch.float64, f"expected a float64 result for float64 inputs, got {out.dtype}"
    assert_close(out, reference.hint_loss(*args), rtol=1e-9, atol=1e-10, name="loss on float64 inputs")


def test_inputs_are_not_modified(submission):
    args = _inputs(2, 3, 4, 2, 2, seed=8)

    def probe(m, args):
        m.hint_loss(*args)

    run_unchanged(submission, probe, args, name="inputs after the call")
