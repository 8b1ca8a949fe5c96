"""Hidden tests for feature-kd-debug: the hint loss against the formula (regressor as a 1x1
convolution written out here), its gradients; stage-1 steps on small seeded convolutional
networks built from states made here, with the first step and the loss recomputed by the test."""

import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from judge.testing import assert_close, assert_like, expect, randn, run_unchanged

C_IN, C_S, C_T, HW, LR = 3, 4, 8, 5, 0.002


def student_state(seed):
    return {"0.weight": randn(C_S, C_IN, 3, 3, seed=seed, scale=0.3),
            "0.bias": randn(C_S, seed=seed + 1, scale=0.1),
            "2.weight": randn(C_S, C_S, 3, 3, seed=seed + 2, scale=0.2),
            "2.bias": randn(C_S, seed=seed + 3, scale=0.1)}


def teacher_state(seed):
    return {"0.weight": randn(C_T, C_IN, 3, 3, seed=seed, scale=0.3),
            "0.bias": randn(C_T, seed=seed + 1, scale=0.1),
            "1.weight": 1.0 + randn(C_T, seed=seed + 2, scale=0.2),
            "1.bias": randn(C_T, seed=seed + 3, scale=0.2),
            "1.running_mean": randn(C_T, seed=seed + 4, scale=0.5),
            "1.running_var": 0.5 + randn(C_T, seed=seed + 5).abs(),
            "1.num_batches_tracked": torch.tensor(100),
            "4.weight": randn(C_T, C_T, 1, 1, seed=seed + 6, scale=0.5),
            "4.bias": randn(C_T, seed=seed + 7, scale=0.1)}


def regressor_state(seed):
    return {"weight": randn(C_T, C_S, 1, 1, seed=seed, scale=0.3),
            "bias": randn(C_T, seed=seed + 1, scale=0.1)}


def make_student(state):
    model = nn.Sequential(nn.Conv2d(C_IN, C_S, 3, padding=1), nn.ReLU(), nn.Conv2d(C_S, C_S, 3, padding=1))
    model.load_state_dict(state)
    return model


def make_teacher(state):
    """The trained teacher: batch norm with non-trivial running statistics and dropout, handed
    over in training mode as a freshly loaded model would be."""
    model = nn.Sequential(nn.Conv2d(C_IN, C_T, 3, padding=1), nn.BatchNorm2d(C_T), nn.ReLU(),
                          nn.Dropout(0.3), nn.Conv2d(C_T, C_T, 1))
    model.load_state_dict(state)
    return model.train()


def make_regressor(state):
    model = nn.Conv2d(C_S, C_T, 1)
    model.load_state_dict(state)
    return model


# the same networks written out with functional ops: the trusted side's own code
def t_student(s, x):
    h = F.conv2d(x, s["0.weight"], s["0.bias"], padding=1).relu()
    return F.conv2d(h, s["2.weight"], s["2.bias"], padding=1)


def t_teacher(t, x):
    """The teacher in evaluation mode: batch norm with its running statistics, no dropout."""
    h = F.conv2d(x, t["0.weight"], t["0.bias"], padding=1)
    scale = t["1.weight"] / torch.sqrt(t["1.running_var"] + 1e-5)
    h = (h - t["1.running_mean"][:, None, None]) * scale[:, None, None] + t["1.bias"][:, None, None]
    return F.conv2d(h.relu(), t["4.weight"], t["4.bias"])


def t_hint(v, u, r):
    pred = F.conv2d(v, r["weight"], r["bias"])
    return 0.5 * ((u - pred) ** 2).flatten(1).sum(1).mean()


def images(seed, n=6):
    return randn(n, C_IN, HW, HW, seed=seed)


def _run_steps(m, s_state, t_state, r_state, x, steps):
    student, teacher, regressor = make_student(s_state), make_teacher(t_state), make_regressor(r_state)
    student.eval()                                  # hint_step must put them in training mode
    regressor.eval()
    recorded = []                                   # was the teacher's forward pass recorded by autograd?
    teacher.register_forward_hook(lambda mod, inp, out: recorded.append(bool(out.requires_grad)))
    opt = m.make_optimizer(student, regressor, LR)
    losses = [m.hint_step(student, teacher, regressor, x, opt) for _ in range(steps)]
    return {
        "student_training": bool(student.training),
        "regressor_training": bool(regressor.training),
        "teacher_recorded": recorded,
        "losses": losses,
        "student": {k: v.detach().clone() for k, v in student.state_dict().items()},
        "regressor": {k: v.detach().clone() for k, v in regressor.state_dict().items()},
        "teacher": {k: v.detach().clone() for k, v in teacher.state_dict().items()},
        "teacher_grads": {k: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
                          for k, p in teacher.named_parameters()},
        "teacher_training": bool(teacher.training),
        "teacher_modules_training": [bool(mod.training) for mod in teacher.modules()],
    }


# ------------------------------------------------------------------------------ the loss

def _features(seed, batch, dtype=torch.float32):
    v = randn(batch, C_S, HW, HW, seed=seed, dtype=dtype)
    u = randn(batch, C_T, HW, HW, seed=seed + 1, dtype=dtype)
    return v, u


@pytest.mark.parametrize("batch,seed", [(4, 1), (1, 2)], ids=["B4", "B1"])
def test_hint_loss_matches_the_formula(submission, batch, seed):
    v, u = _features(seed, batch)
    r = regressor_state(seed + 10)

    def probe(m):
        return m.hint_loss(v, u, make_regressor(r)).detach()

    assert_close(submission.run(probe), t_hint(v, u, r),
                 name=f"hint loss for a batch of {batch} (1x1 regressor, C_s=4, C_t=8)")


def test_hint_loss_matches_reference_and_leaves_its_inputs_unchanged(submission, reference):
    v, u = _features(3, 5)
    r = regressor_state(13)

    def probe(m, v, u):
        return m.hint_loss(v, u, make_regressor(r)).detach()

    got = run_unchanged(submission, probe, v, u, name="student and teacher features after hint_loss")
    assert_close(got, reference.run(lambda m: probe(m, v, u)), name="hint loss")


def test_hint_loss_in_float64(submission):
    v, u = _features(4, 3, dtype=torch.float64)
    r = {k: val.double() for k, val in regressor_state(14).items()}

    def probe(m):
        return m.hint_loss(v, u, make_regressor(r).double()).detach()

    assert_close(submission.run(probe), t_hint(v, u, r), rtol=1e-10, atol=1e-12,
                 name="hint loss on float64 features")


def test_hint_loss_gradients(submission):
    v, u = _features(5, 4)
    r = regressor_state(15)

    def probe(m):
        v_, u_ = v.clone().requires_grad_(True), u.clone().requires_grad_(True)
        reg = make_regressor(r)
        m.hint_loss(v_, u_, reg).backward()
        return {"student": v_.grad, "teacher": u_.grad if u_.grad is not None else torch.zeros_like(u_),
                "regressor": reg.weight.grad}

    got = submission.run(probe)
    v_, w = v.clone().requires_grad_(True), r["weight"].clone().requires_grad_(True)
    t_hint(v_, u, {"weight": w, "bias": r["bias"]}).backward()
    assert_close(got["teacher"], torch.zeros_like(u), name="gradient on the teacher features")
    assert_close(got["student"], v_.grad, name="gradient on the student features")
    assert_close(got["regressor"], w.grad, name="gradient on the regressor weight")


# ------------------------------------------------------------------------------ the optimiser

def test_optimizer_covers_student_and_regressor(submission):
    s, r = student_state(20), regressor_state(21)

    def probe(m):
        student, regressor = make_student(s), make_regressor(r)
        opt = m.make_optimizer(student, regressor, 0.05)
        held = [p for g in opt.param_groups for p in g["params"]]
        return {"student": [any(p is q for q in held) for p in student.parameters()],
                "regressor": [any(p is q for q in held) for p in regressor.parameters()],
                "count": len(held),
                "lr": [float(g["lr"]) for g in opt.param_groups],
                "momentum": [float(g["momentum"]) for g in opt.param_groups]}

    got = submission.run(probe)
    assert_close(got["student"], [True] * 4, name="student parameters held by the optimiser")
    assert_close(got["regressor"], [True] * 2, name="regressor parameters held by the optimiser")
    assert_close(got["count"], 6, name="number of parameters held by the optimiser")
    assert_close(got["lr"], [0.05] * len(got["lr"]), name="learning rate of the optimiser")
    assert_close(got["momentum"], [0.9] * len(got["momentum"]), name="momentum of the optimiser")


# ------------------------------------------------------------------------------ the step

def trusted_steps(s, t, r, x, steps):
    """Stage 1 done by the test: the functional networks, SGD with momentum 0.9 (PyTorch's rule:
    the first step uses the gradient itself as the momentum buffer)."""
    params = {("s", k): v.clone() for k, v in s.items()}
    params.update({("r", k): v.clone() for k, v in r.items()})
    bufs, losses = {}, []
    with torch.no_grad():
        u = t_teacher(t, x)
    for _ in range(steps):
        leaves = {key: p.clone().requires_grad_(True) for key, p in params.items()}
        loss = t_hint(t_student({k: leaves[("s", k)] for k in s}, x), u, {k: leaves[("r", k)] for k in r})
        grads = torch.autograd.grad(loss, list(leaves.values()))
        losses.append(float(loss))
        for key, g in zip(leaves, grads, strict=True):
            bufs[key] = g if key not in bufs else 0.9 * bufs[key] + g
            params[key] = params[key] - LR * bufs[key]
    return (losses, {k: params[("s", k)] for k in s}, {k: params[("r", k)] for k in r})


@pytest.mark.parametrize("steps", [1, 5], ids=["one-step", "five-steps"])
def test_steps_recomputed_by_the_test(submission, steps):
    s, t, r = student_state(30 + steps), teacher_state(31), regressor_state(32)
    x = images(33)
    got = submission.run(lambda m: _run_steps(m, s, t, r, x, steps))
    assert_like(got["student"], s, name=f"student state after {steps} step(s)")
    assert_like(got["regressor"], r, name=f"regressor state after {steps} step(s)")
    losses, student, regressor = trusted_steps(s, t, r, x, steps)
    assert_close(got["losses"], losses, name="losses returned by hint_step (teacher in eval mode)")
    assert_close(got["student"], student,
                 name=f"student parameters after {steps} SGD step(s), recomputed by the test")
    assert_close(got["regressor"], regressor,
                 name=f"regressor parameters after {steps} SGD step(s), recomputed by the test")


def test_teacher_is_frozen(submission):
    s, t, r = student_state(40), teacher_state(41), regressor_state(42)
    x = images(43)
    got = submission.run(lambda m: _run_steps(m, s, t, r, x, 3))
    assert_close(got["teacher"], t, rtol=0.0, atol=0.0,
                 name="teacher weights and batch-norm statistics after three steps")
    assert_close(got["teacher_grads"], {k: torch.zeros_like(v) for k, v in t.items()
                                        if k in got["teacher_grads"]},
                 rtol=0.0, atol=0.0, name="gradients of the teacher parameters after three steps")
    expect(set(got["teacher_grads"]) == {"0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"},
           "teacher parameters returned by the probe", prop="keys")


def test_modes_after_a_step(submission):
    s, t, r = student_state(50), teacher_state(51), regressor_state(52)
    x = images(53)
    got = submission.run(lambda m: _run_steps(m, s, t, r, x, 1))
    assert_close(got["teacher_modules_training"], [False] * 6,
                 name="training flag of the teacher and each of its layers after hint_step")
    assert_close([got["student_training"], got["regressor_training"]], [True, True],
                 name="training flags of the student and the regressor after hint_step")


def test_teacher_forward_is_not_recorded(submission):
    s, t, r = student_state(55), teacher_state(56), regressor_state(57)
    x = images(58)
    got = submission.run(lambda m: _run_steps(m, s, t, r, x, 2))
    assert_close(got["teacher_recorded"], [False, False],
                 name="teacher outputs requiring grad during two hint steps (one forward pass each)")


def test_hint_loss_falls_during_stage_one(submission):
    s, t, r = student_state(70), teacher_state(71), regressor_state(72)
    x, x_new = images(73, n=8), images(74, n=8)
    got = submission.run(lambda m: _run_steps(m, s, t, r, x, 30))
    assert_like(got["student"], s, name="student state after 30 steps")
    assert_like(got["regressor"], r, name="regressor state after 30 steps")
    with torch.no_grad():
        before = float(t_hint(t_student(s, x_new), t_teacher(t, x_new), r))
        after = float(t_hint(t_student(got["student"], x_new), t_teacher(t, x_new), got["regressor"]))
    expect(math.isfinite(after) and after < 0.6 * before,
           "hint loss on new images after 30 steps, recomputed by the test from the returned states",
           f"{before:.3f} before, {after:.3f} after")
