"""Hidden tests for implicit-hypergradient: explicit inverses, truncated CG, properties."""

import math

import pytest
import torch

from judge.testing import assert_close, expect, generator, run_unchanged


def make_mlp_params(sizes, seed, dtype=torch.float64):
    g = generator(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(fan_out, fan_in, generator=g, dtype=torch.float64)
                       / math.sqrt(fan_in)).to(dtype))
        params.append((0.1 * torch.randn(fan_out, generator=g, dtype=torch.float64)).to(dtype))
    return params


def make_sine_task(n_support, n_query, seed, dtype=torch.float64):
    g = generator(seed)
    amp = 0.5 + 1.5 * torch.rand((), generator=g, dtype=torch.float64)
    phase = math.pi * torch.rand((), generator=g, dtype=torch.float64)
    xs = 6 * torch.rand(n_support, 1, generator=g, dtype=torch.float64) - 3
    xq = 6 * torch.rand(n_query, 1, generator=g, dtype=torch.float64) - 3
    return {"x_support": xs.to(dtype), "y_support": (amp * torch.sin(xs + phase)).to(dtype),
            "x_query": xq.to(dtype), "y_query": (amp * torch.sin(xq + phase)).to(dtype)}


def make_linear_task(n_support, n_query, dim, seed):
    g = generator(seed)
    w_true = torch.randn(1, dim, generator=g, dtype=torch.float64)
    xs = torch.randn(n_support, dim, generator=g, dtype=torch.float64)
    xq = torch.randn(n_query, dim, generator=g, dtype=torch.float64)
    return {"x_support": xs, "y_support": xs @ w_true.T + 0.4,
            "x_query": xq, "y_query": xq @ w_true.T + 0.4}


def mlp_loss_flat(flat, shapes, x, y):
    params, i = [], 0
    for s in shapes:
        n = math.prod(s)
        params.append(flat[i:i + n].reshape(s))
        i += n
    h = x
    for j in range(len(params) // 2):
        h = h @ params[2 * j].T + params[2 * j + 1]
        if j < len(params) // 2 - 1:
            h = torch.tanh(h)
    return ((h - y) ** 2).mean()


def explicit_solution(phi, task, lam, check_definite=True):
    """Independent: form H and A = I + H/lam explicitly and solve with torch.linalg.solve."""
    shapes = [tuple(p.shape) for p in phi]
    flat = torch.cat([p.reshape(-1) for p in phi]).double()
    hess = torch.autograd.functional.hessian(
        lambda f: mlp_loss_flat(f, shapes, task["x_support"], task["y_support"]), flat)
    q = flat.clone().requires_grad_(True)
    b = torch.autograd.grad(mlp_loss_flat(q, shapes, task["x_query"], task["y_query"]), q)[0]
    a = torch.eye(len(flat), dtype=torch.float64) + hess / lam
    if check_definite:
        assert torch.linalg.eigvalsh(a).min() > 0.05, "test setup: A must be positive definite"
    return torch.linalg.solve(a, b), a, b


def flatten(xs):
    return torch.cat([x.reshape(-1).double() for x in xs])


def test_linear_regression_matches_explicit_inverse(submission):
    task = make_linear_task(6, 7, 3, seed=1)
    phi = [torch.tensor([[0.3, -0.2, 0.5]], dtype=torch.float64), torch.tensor([0.1], dtype=torch.float64)]
    want, _, _ = explicit_solution(phi, task, 0.7)
    got = submission.imaml_meta_gradient(phi, task, 0.7, 4)
    assert_close(flatten(got), want, rtol=1e-7, atol=1e-9,
                 name="CG solution after n=4 iterations vs (I + H/lambda)^-1 g (linear regression)")


@pytest.mark.parametrize("lam", [3.0, 10.0])
def test_mlp_matches_explicit_inverse(submission, lam):
    phi = make_mlp_params([1, 4, 1], seed=10)
    task = make_sine_task(8, 8, seed=11)
    want, _, _ = explicit_solution(phi, task, lam)
    got = submission.imaml_meta_gradient(phi, task, lam, 60)
    assert_close(flatten(got), want, rtol=1e-4, atol=1e-6,
                 name=f"converged CG solution vs the explicit inverse, lambda={lam}")


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_truncated_cg_matches_reference(submission, reference, steps):
    phi = make_mlp_params([1, 6, 1], seed=20 + steps)
    task = make_sine_task(6, 6, seed=30 + steps)
    assert_close(submission.imaml_meta_gradient(phi, task, 10.0, steps),
                 reference.imaml_meta_gradient(phi, task, 10.0, steps), rtol=1e-6, atol=1e-9,
                 name=f"iterate after {steps} CG iteration(s) of conjugate gradient started from 0")


def test_first_iterate_closed_form(submission):
    phi = make_mlp_params([1, 5, 1], seed=40)
    task = make_sine_task(6, 6, seed=41)
    _, a, b = explicit_solution(phi, task, 3.0)
    expected = (b @ b) / (b @ a @ b) * b
    got = submission.imaml_meta_gradient(phi, task, 3.0, 1)
    assert_close(flatten(got), expected, rtol=1e-7, atol=1e-10,
                 name="x_1 = (<b,b>/<b,Ab>) b with A = I + H/lambda")


def test_large_lambda_tends_to_query_gradient(submission):
    phi = make_mlp_params([1, 6, 1], seed=50)
    task = make_sine_task(6, 6, seed=51)
    _, _, b = explicit_solution(phi, task, 1.0, check_definite=False)
    got = submission.imaml_meta_gradient(phi, task, 1e8, 5)
    assert_close(flatten(got), b, rtol=1e-5, atol=1e-8,
                 name="with a huge lambda, A -> I and v -> grad L_q(phi)")


def test_float32_matches_reference(submission, reference):
    phi = make_mlp_params([1, 6, 1], seed=60, dtype=torch.float32)
    task = make_sine_task(6, 6, seed=61, dtype=torch.float32)
    got = submission.imaml_meta_gradient(phi, task, 2.0, 10)
    assert_close(got, reference.imaml_meta_gradient(phi, task, 2.0, 10), rtol=1e-3, atol=1e-4,
                 name="float32 result")
    assert all(g.dtype == torch.float32 for g in got), "the result should keep the dtype of phi"


def test_zero_query_gradient_gives_zero(submission):
    phi = [torch.tensor([[0.5, -1.0]], dtype=torch.float64), torch.tensor([0.2], dtype=torch.float64)]
    g = generator(70)
    xs = torch.randn(5, 2, generator=g, dtype=torch.float64)
    xq = torch.randn(5, 2, generator=g, dtype=torch.float64)
    task = {"x_support": xs, "y_support": torch.randn(5, 1, generator=g, dtype=torch.float64),
            "x_query": xq, "y_query": xq @ phi[0].T + phi[1]}
    got = submission.imaml_meta_gradient(phi, task, 1.0, 5)
    assert_close(flatten(got), torch.zeros(3, dtype=torch.float64), atol=1e-12,
                 name="solution when the query loss is already at a minimum (b = 0; no NaN)")


def test_phi_untouched(submission):
    phi = [p.requires_grad_(True) for p in make_mlp_params([1, 4, 1], seed=80)]
    task = make_sine_task(5, 5, seed=81)

    def probe(m, phi, task):
        m.imaml_meta_gradient(phi, task, 2.0, 3)
        return [p.grad is None for p in phi]

    grad_none = run_unchanged(submission, probe, phi, task, name="phi and task after the call")
    expect(grad_none == [True] * len(phi), "the .grad of the caller's phi after the call",
           "a tensor of phi has a .grad after the call; it must stay None")


def explicit_cg(a, b, steps):
    """Independent: the statement's CG on the explicit matrix A, with its stopping rule; also
    returns <r_k, r_k> / <b, b> for every k reached."""
    x, r, p = torch.zeros_like(b), b.clone(), b.clone()
    rr0 = float(b @ b)
    rr, ratios = rr0, []
    for _ in range(steps):
        ratios.append(rr / rr0 if rr0 else 0.0)
        if rr <= 1e-12 * rr0 or rr == 0:
            break
        ap = a @ p
        gamma = rr / float(p @ ap)
        x, r = x + gamma * p, r - gamma * ap
        rr_new = float(r @ r)
        p = r + rr_new / rr * p
        rr = rr_new
    return x, ratios


# For this phi and task, <r_4, r_4> / <b, b> is about 1.4e-12 at lambda = 32.8 (just above the
# statement's 1e-12: iteration 4 still runs, iteration 5 does not) and about 3.1e-13 at
# lambda = 40 (below it: CG stops after 4 iterations although cg_steps allows 8).
@pytest.mark.parametrize("lam,ratio_lo,ratio_hi", [(32.8, 1.2e-12, 1.7e-12), (40.0, 1e-13, 6e-13)],
                         ids=["ratio-1.4e-12", "ratio-3e-13"])
def test_stopping_rule_near_its_threshold(submission, lam, ratio_lo, ratio_hi):
    phi = make_mlp_params([1, 4, 1], seed=10)
    task = make_sine_task(8, 8, seed=11)
    _, a, b = explicit_solution(phi, task, lam)
    want, ratios = explicit_cg(a, b, 8)
    assert ratio_lo < ratios[4] < ratio_hi and ratios[3] > 1e-10, "test setup: <r_4,r_4>/<b,b>"
    got = submission.imaml_meta_gradient(phi, task, lam, 8)
    assert_close(flatten(got), want, rtol=1e-9, atol=1e-12,
                 name=f"CG result with lambda={lam}, cg_steps=8, where <r_4, r_4> / <b, b> is "
                      f"between {ratio_lo:g} and {ratio_hi:g}")


def test_small_query_gradient_is_solved_not_stopped(submission):
    phi = make_mlp_params([1, 4, 1], seed=90)
    task = make_sine_task(8, 8, seed=91)
    pred = task["x_query"]
    for j in range(len(phi) // 2):
        pred = pred @ phi[2 * j].T + phi[2 * j + 1]
        if j < len(phi) // 2 - 1:
            pred = torch.tanh(pred)
    task["y_query"] = pred + 1e-5 * torch.randn(pred.shape, generator=generator(92),
                                                 dtype=torch.float64)
    want, _, b = explicit_solution(phi, task, 3.0)
    assert float(b @ b) < 1e-8, "test setup: a query gradient of squared norm below 1e-8"
    got = submission.imaml_meta_gradient(phi, task, 3.0, 30)
    # the stopping rule leaves a relative residual of up to 1e-6: tolerances are relative to |b|
    assert_close(flatten(got), want, rtol=1e-4, atol=1e-10,
                 name="converged CG solution when the query gradient is about 1e-5 in size")


def test_unit_query_gradient_hand_case(submission):
    # phi = (w, b) = (1, 1); support point (1, 2) gives H = 2 [[1, 1], [1, 1]], so with
    # lambda = 2, A = [[2, 1], [1, 2]]; query point (0, 0.5) gives b = (0, 2 * 0.5) = (0, 1),
    # <b, b> = 1 exactly, and A^-1 b = (1/3) (-1, 2), reached after n = 2 CG iterations.
    phi = [torch.tensor([[1.0]], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)]
    task = {"x_support": torch.tensor([[1.0]], dtype=torch.float64),
            "y_support": torch.tensor([[2.0]], dtype=torch.float64),
            "x_query": torch.tensor([[0.0]], dtype=torch.float64),
            "y_query": torch.tensor([[0.5]], dtype=torch.float64)}
    got = submission.imaml_meta_gradient(phi, task, 2.0, 2)
    assert_close(got, [torch.tensor([[-1.0 / 3.0]], dtype=torch.float64),
                       torch.tensor([2.0 / 3.0], dtype=torch.float64)], rtol=1e-9, atol=1e-12,
                 name="solution for a query gradient b = (0, 1) (hand-computed case)")
