"""Hidden tests for mean-teacher-ema: the EMA schedule, parameters and buffers, consistency loss."""

import pytest
import torch
import torch.nn as nn

from judge.testing import assert_close, make_logits


def _net():
    return nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))


def _pair(seed):
    """A teacher and a student with different weights and different BatchNorm statistics."""
    torch.manual_seed(seed)
    teacher, student = _net(), _net()
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        teacher.train()
        student.train()
        teacher(torch.randn(8, 4, generator=g))
        for _ in range(3):
            student(torch.randn(8, 4, generator=g) * 2.0 + 1.0)
    return teacher, student


def _state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _after_updates(m, steps, alpha_max=0.99, seed=0):
    teacher, student = _pair(seed)
    alphas = [m.ema_update(teacher, student, step, alpha_max) for step in steps]
    return {"alphas": alphas, "teacher": _state(teacher)}


@pytest.mark.parametrize("steps,alpha_max", [([5], 0.99), ([1000], 0.99), ([0, 1, 2, 3], 0.9), ([50, 51], 0.95)],
                         ids=["step5", "step1000-capped", "ramp-0-to-3", "steps50-51-cap0.95"])
def test_teacher_state_matches_reference(submission, reference, steps, alpha_max):
    probe = lambda m: _after_updates(m, steps, alpha_max, seed=len(steps))  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe),
                 name=f"alphas and teacher state after updates at steps {steps} (alpha_max={alpha_max})")


def test_alpha_schedule(submission):
    def probe(m):
        return [m.ema_update(*_pair(1), step, 0.99) for step in [0, 1, 3, 9, 99, 1000]]

    assert_close(submission.run(probe), [0.0, 0.5, 0.75, 0.9, 0.99, 0.99],
                 name="alpha = min(1 - 1/(step + 1), alpha_max) at steps 0, 1, 3, 9, 99, 1000")


def test_step_zero_copies_the_student(submission):
    teacher, student = _pair(2)          # built here; the probe gets copies
    want = _state(student)

    def probe(m):
        m.ema_update(teacher, student, 0, 0.99)
        return _state(teacher)

    assert_close(submission.run(probe), want,
                 name="teacher after the update at step 0 (alpha = 0: a copy of the student)")


def test_buffers_follow_the_stated_convention(submission, reference):
    def probe(m):
        teacher, student = _pair(3)
        m.ema_update(teacher, student, 4, 0.99)
        bn = teacher[1]
        return {"running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone(),
                "num_batches_tracked": int(bn.num_batches_tracked)}

    assert_close(submission.run(probe), reference.run(probe),
                 name="teacher BatchNorm buffers (float buffers averaged, integer buffers copied)")


def test_student_is_not_modified(submission):
    teacher, student = _pair(4)          # built and snapshotted here; the probe gets copies
    before = _state(student)

    def probe(m):
        m.ema_update(teacher, student, 7, 0.99)
        return _state(student)

    assert_close(submission.run(probe), before, rtol=0.0, atol=0.0,
                 name="student state after ema_update")


def test_teacher_parameters_stay_leaves(submission):
    def probe(m):
        teacher, student = _pair(5)
        out = student(torch.ones(2, 4)).sum()
        out.backward()                    # the student holds gradients, as during training
        m.ema_update(teacher, student, 10, 0.99)
        return [(p.is_leaf, p.grad_fn is None, p.grad is None) for p in teacher.parameters()]

    flags = submission.run(probe)
    assert all(all(f) for f in flags), (
        "teacher parameters must stay leaf tensors without grad_fn or grad (update them in place under no_grad)")


@pytest.mark.parametrize("batch,classes,scale", [(8, 10, 3.0), (1, 4, 1.0), (5, 3, 60.0)],
                         ids=["B8-C10", "B1-C4", "large-logits"])
def test_consistency_matches_reference(submission, reference, batch, classes, scale):
    s = make_logits(batch, classes, seed=batch, scale=scale)
    t = make_logits(batch, classes, seed=batch + 30, scale=scale)
    assert_close(submission.consistency_loss(s, t), reference.consistency_loss(s, t),
                 name="consistency loss (mean squared difference of the softmaxes)")


def test_consistency_zero_for_equal_predictions_and_shift_invariant(submission):
    s = make_logits(4, 5, seed=40)
    assert_close(submission.consistency_loss(s, s + 7.0), torch.tensor(0.0), atol=1e-7,
                 name="consistency loss between logits that differ by a constant (same softmax)")


def test_consistency_gradient_reaches_student_only(submission, reference):
    def probe(m):
        s = make_logits(6, 4, seed=41, requires_grad=True)
        t = make_logits(6, 4, seed=42, requires_grad=True)
        m.consistency_loss(s, t).backward()
        return {"student": s.grad, "teacher": torch.zeros_like(t) if t.grad is None else t.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher logits (must be none)")
    assert_close(got["student"], want["student"], name="gradient on the student logits")


def test_default_alpha_max(submission, reference):
    def probe(m):
        teacher, student = _pair(6)
        alphas = [m.ema_update(teacher, student, step) for step in [9, 99, 1000]]
        return {"alphas": alphas, "teacher": _state(teacher)}

    # the reference is called with alpha_max=0.99, the default the statement fixes
    expected = reference.run(lambda m: _after_updates(m, [9, 99, 1000], 0.99, seed=6))
    assert_close(submission.run(probe), expected,
                 name="alphas and teacher state from ema_update(teacher, student, step) "
                      "at steps 9, 99, 1000 (default alpha_max)")
