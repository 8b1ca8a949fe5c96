"""Hidden tests for anil-inner-loop: reference checks, closed form, ANIL-vs-MAML properties."""

import math

import pytest
import torch

from judge.testing import assert_close, generator, run_unchanged


def make_params(sizes, seed, dtype=torch.float32):
    """sizes = [D, H1, ..., Hk, O]: body layers D->H1->...->Hk, linear head Hk->O."""
    g = generator(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers.append((torch.randn(fan_out, fan_in, generator=g, dtype=torch.float64)
                       / math.sqrt(fan_in)).to(dtype))
        layers.append((0.1 * torch.randn(fan_out, generator=g, dtype=torch.float64)).to(dtype))
    return {"body": layers[:-2], "head": layers[-2:]}


def make_sine_tasks(n_tasks, n_support, n_query, seed, dtype=torch.float32):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        amp = 0.5 + 1.5 * torch.rand((), generator=g, dtype=torch.float64)
        phase = math.pi * torch.rand((), generator=g, dtype=torch.float64)
        xs = 6 * torch.rand(n_support, 1, generator=g, dtype=torch.float64) - 3
        xq = 6 * torch.rand(n_query, 1, generator=g, dtype=torch.float64) - 3
        tasks.append({"x_support": xs.to(dtype), "y_support": (amp * torch.sin(xs + phase)).to(dtype),
                      "x_query": xq.to(dtype), "y_query": (amp * torch.sin(xq + phase)).to(dtype)})
    return tasks


def feats(body, x):
    h = x
    for i in range(len(body) // 2):
        h = torch.tanh(h @ body[2 * i].T + body[2 * i + 1])
    return h


def full_maml_gradient(params, tasks, alpha, steps):
    nb = len(params["body"])
    theta = [p.clone().requires_grad_(True) for p in params["body"] + params["head"]]
    losses = []
    for t in tasks:
        fast = list(theta)
        for _ in range(steps):
            pred = feats(fast[:nb], t["x_support"]) @ fast[nb].T + fast[nb + 1]
            grads = torch.autograd.grad(((pred - t["y_support"]) ** 2).mean(), fast,
                                        create_graph=True)
            fast = [w - alpha * g for w, g in zip(fast, grads)]
        pred = feats(fast[:nb], t["x_query"]) @ fast[nb].T + fast[nb + 1]
        losses.append(((pred - t["y_query"]) ** 2).mean())
    grads = torch.autograd.grad(torch.stack(losses).mean(), theta)
    return {"body": list(grads[:nb]), "head": list(grads[nb:])}


CASES = [  # sizes, tasks, support, query, inner_lr, inner_steps
    ([1, 10, 1], 4, 5, 10, 0.1, 1),
    ([1, 6, 6, 1], 2, 8, 8, 0.05, 3),
    ([1, 12, 1], 1, 3, 4, 0.2, 2),
    ([1, 5, 2], 3, 10, 6, 0.05, 5),
]


@pytest.mark.parametrize("sizes,n_tasks,n_s,n_q,lr,steps", CASES,
                         ids=["4tasks-1step", "2layer-body-3steps", "1task-2steps",
                              "2outputs-5steps"])
def test_meta_gradient_matches_reference(submission, reference, sizes, n_tasks, n_s, n_q, lr,
                                         steps):
    params = make_params(sizes, seed=n_tasks * 10 + steps)
    tasks = make_sine_tasks(n_tasks, n_s, n_q, seed=n_tasks * 100 + steps)
    if sizes[-1] == 2:
        for t in tasks:
            t["y_support"] = torch.cat([t["y_support"], t["x_support"] ** 2 / 9], 1)
            t["y_query"] = torch.cat([t["y_query"], t["x_query"] ** 2 / 9], 1)
    got_loss, got = submission.anil_meta_gradient(params, tasks, lr, steps)
    want_loss, want = reference.anil_meta_gradient(params, tasks, lr, steps)
    assert_close(got_loss, want_loss, name="meta-loss after head-only adaptation")
    assert_close(got["head"], want["head"], name="meta-gradient of the head initialisation")
    assert_close(got["body"], want["body"], name="meta-gradient of the body")


def test_adapt_keeps_body_and_matches_reference_head(submission, reference):
    params = make_params([1, 8, 8, 1], seed=20)
    t = make_sine_tasks(1, 6, 1, seed=21)[0]
    got = submission.anil_adapt(params, t["x_support"], t["y_support"], 0.1, 3)
    want = reference.anil_adapt(params, t["x_support"], t["y_support"], 0.1, 3)
    assert_close(got["body"], params["body"], atol=0.0, rtol=0.0,
                 name="body after the inner loop (ANIL must not adapt it)")
    assert_close(got["head"], want["head"], name="head after 3 inner steps")


def test_adapt_head_is_linear_regression_on_features(submission):
    params = make_params([2, 5, 1], seed=25, dtype=torch.float64)
    g = generator(26)
    x = torch.randn(7, 2, generator=g, dtype=torch.float64)
    y = torch.randn(7, 1, generator=g, dtype=torch.float64)
    a = torch.cat([feats(params["body"], x), torch.ones(7, 1, dtype=torch.float64)], 1)
    h = torch.cat([params["head"][0].reshape(-1), params["head"][1]])
    for _ in range(4):
        h = h - 0.3 * 2.0 / 7 * a.T @ (a @ h - y.reshape(-1))
    got = submission.anil_adapt(params, x, y, 0.3, 4)["head"]
    assert_close(torch.cat([got[0].reshape(-1), got[1].reshape(-1)]), h, rtol=1e-8, atol=1e-10,
                 name="adapted head vs gradient descent on the fixed features")


def test_head_meta_gradient_closed_form(submission):
    params = make_params([1, 6, 1], seed=30, dtype=torch.float64)
    tasks = make_sine_tasks(2, 6, 7, seed=31, dtype=torch.float64)
    alpha, steps = 0.2, 2
    total = torch.zeros(7, dtype=torch.float64)
    for t in tasks:
        a_s = torch.cat([feats(params["body"], t["x_support"]), torch.ones(6, 1, dtype=torch.float64)], 1)
        a_q = torch.cat([feats(params["body"], t["x_query"]), torch.ones(7, 1, dtype=torch.float64)], 1)
        h = torch.cat([params["head"][0].reshape(-1), params["head"][1]])
        for _ in range(steps):
            h = h - alpha * 2.0 / 6 * a_s.T @ (a_s @ h - t["y_support"].reshape(-1))
        gq = 2.0 / 7 * a_q.T @ (a_q @ h - t["y_query"].reshape(-1))
        hess = 2.0 / 6 * a_s.T @ a_s
        for _ in range(steps):
            gq = gq - alpha * hess @ gq
        total = total + gq / len(tasks)
    _, got = submission.anil_meta_gradient(params, tasks, alpha, steps)
    got_head = torch.cat([got["head"][0].reshape(-1), got["head"][1].reshape(-1)])
    assert_close(got_head, total, rtol=1e-7, atol=1e-9,
                 name="head meta-gradient vs the closed form (I - alpha*H)^K grad L_q")


def test_differs_from_full_maml(submission):
    params = make_params([1, 8, 1], seed=40, dtype=torch.float64)
    tasks = make_sine_tasks(3, 6, 6, seed=41, dtype=torch.float64)
    _, got = submission.anil_meta_gradient(params, tasks, 0.3, 2)
    maml = full_maml_gradient(params, tasks, 0.3, 2)
    gap = max(float((a - b).abs().max()) for a, b in zip(got["body"] + got["head"],
                                                          maml["body"] + maml["head"]))
    assert gap > 1e-3, ("the meta-gradient equals full MAML's: the inner loop must adapt the "
                        "head only")


def test_body_gradient_by_finite_differences(submission):
    params = make_params([1, 4, 1], seed=50, dtype=torch.float64)
    tasks = make_sine_tasks(2, 5, 5, seed=51, dtype=torch.float64)
    _, grads = submission.anil_meta_gradient(params, tasks, 0.3, 2)
    direction = make_params([1, 4, 1], seed=52, dtype=torch.float64)["body"]
    eps = 1e-5

    def shifted(sign):
        body = [p + sign * eps * d for p, d in zip(params["body"], direction)]
        return {"body": body, "head": params["head"]}

    lp, _ = submission.anil_meta_gradient(shifted(1), tasks, 0.3, 2)
    lm, _ = submission.anil_meta_gradient(shifted(-1), tasks, 0.3, 2)
    numeric = (float(lp) - float(lm)) / (2 * eps)
    analytic = float(sum((g * d).sum() for g, d in zip(grads["body"], direction)))
    assert_close(analytic, numeric, rtol=1e-5, atol=1e-8,
                 name="body meta-gradient vs finite differences of the meta-loss (both paths "
                      "from the body must be included)")


def test_zero_inner_steps_is_plain_query_gradient(submission):
    params = make_params([1, 6, 1], seed=60)
    tasks = make_sine_tasks(3, 5, 5, seed=61)
    theta = [p.clone().requires_grad_(True) for p in params["body"] + params["head"]]
    loss = torch.stack([((feats(theta[:2], t["x_query"]) @ theta[2].T + theta[3]
                          - t["y_query"]) ** 2).mean() for t in tasks]).mean()
    grads = torch.autograd.grad(loss, theta)
    got_loss, got = submission.anil_meta_gradient(params, tasks, 0.3, 0)
    assert_close(got_loss, loss.detach(), name="meta-loss with inner_steps=0")
    assert_close(got, {"body": list(grads[:2]), "head": list(grads[2:])},
                 name="meta-gradient with inner_steps=0")


def test_tasks_are_averaged_not_summed(submission):
    params = make_params([1, 6, 1], seed=70)
    task = make_sine_tasks(1, 5, 5, seed=71)
    one = submission.anil_meta_gradient(params, task, 0.1, 2)
    three = submission.anil_meta_gradient(params, task * 3, 0.1, 2)
    assert_close(three, one, name="meta-batch of the same task repeated 3 times vs once")


def test_float64(submission, reference):
    params = make_params([1, 7, 1], seed=80, dtype=torch.float64)
    tasks = make_sine_tasks(2, 6, 6, seed=81, dtype=torch.float64)
    got = submission.anil_meta_gradient(params, tasks, 0.05, 3)
    assert_close(got, reference.anil_meta_gradient(params, tasks, 0.05, 3), rtol=1e-9,
                 atol=1e-11, name="(meta_loss, gradients) in float64")


def test_inputs_are_not_modified(submission):
    params = make_params([1, 5, 1], seed=90)
    tasks = make_sine_tasks(2, 4, 4, seed=91)

    def probe(m, params, tasks):
        m.anil_adapt(params, tasks[0]["x_support"], tasks[0]["y_support"], 0.1, 2)
        m.anil_meta_gradient(params, tasks, 0.1, 2)

    run_unchanged(submission, probe, params, tasks, name="params and task data after the calls")
