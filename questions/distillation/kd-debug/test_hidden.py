"""Hidden tests for kd-debug: the loss against the reference formula, and one training step
run on small seeded models built inside the probe (modules never cross the process boundary)."""

import pytest
import torch

from judge.testing import assert_close, expect, make_labels, make_logits, randn

CASES = [  # batch, classes, temperature, alpha
    (8, 10, 4.0, 0.9),
    (1, 5, 2.0, 0.5),
    (16, 3, 1.0, 0.3),
    (6, 7, 8.0, 0.7),
]


class _SGD:
    """Plain SGD with the torch.optim interface used by train_step (zero_grad, step). A tiny stand-in
    so a test does not pay torch.optim's one-off import cost."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p.sub_(self.lr * p.grad)


def _models(seed):
    """A small student and a teacher with batch norm and dropout, built as a fresh model would be
    (in training mode), with non-trivial running statistics."""
    torch.manual_seed(seed)
    student = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    teacher = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                  torch.nn.Dropout(0.5), torch.nn.Linear(8, 3))
    with torch.no_grad():
        teacher[1].running_mean.copy_(torch.randn(8) * 0.5)
        teacher[1].running_var.copy_(torch.rand(8) + 0.5)
        teacher[4].weight.mul_(4.0)
    teacher.train()
    return student, teacher


def _bn_student(seed):
    """A student with batch norm, handed over in evaluation mode with non-trivial running statistics."""
    torch.manual_seed(seed)
    student = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(),
                                  torch.nn.Linear(6, 3))
    with torch.no_grad():
        student[1].running_mean.copy_(torch.randn(6))
        student[1].running_var.copy_(torch.rand(6) * 3.0 + 0.2)
    student.eval()
    return student


def _one_step(m, seed, temperature, alpha, lr=0.5, student=None, stale_grads=False):
    student_default, teacher = _models(seed)
    student = student_default if student is None else student
    if stale_grads:                  # gradients left over from an earlier batch
        for i, p in enumerate(student.parameters()):
            p.grad = randn(*p.shape, seed=seed + 50 + i, scale=5.0)
    recorded = []
    teacher.register_forward_hook(lambda mod, inp, out: recorded.append(bool(out.requires_grad)))
    x = randn(10, 4, seed=seed + 1)
    y = make_labels(10, 3, seed=seed + 2)
    opt = _SGD(student.parameters(), lr)
    loss = m.train_step(student, teacher, x, y, opt, temperature, alpha)
    return {
        "loss": float(loss),
        "student": [p.detach().clone() for p in student.parameters()],
        "student_state": [v.detach().clone() for v in student.state_dict().values()],
        "teacher_after": [v.detach().clone() for v in teacher.state_dict().values()],
        "teacher_grads": [p.grad for p in teacher.parameters()],
        "teacher_training": bool(teacher.training),
        "teacher_output_recorded": recorded,
    }


@pytest.mark.parametrize("batch,classes,temperature,alpha", CASES,
                         ids=["B8-C10-T4", "B1-C5-T2", "B16-C3-T1", "B6-C7-T8"])
def test_loss_matches_reference(submission, reference, batch, classes, temperature, alpha):
    s = make_logits(batch, classes, seed=batch)
    t = make_logits(batch, classes, seed=batch + 100)
    y = make_labels(batch, classes, seed=batch + 200)
    assert_close(submission.distillation_loss(s, t, y, temperature, alpha),
                 reference.distillation_loss(s, t, y, temperature, alpha), name="loss")


def test_loss_is_a_scalar_tensor(submission):
    out = submission.distillation_loss(make_logits(4, 3, seed=1), make_logits(4, 3, seed=2),
                                       make_labels(4, 3, seed=3), 2.0, 0.5)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_student_equal_to_teacher_has_zero_soft_loss(submission):
    s = make_logits(6, 5, seed=4)
    out = submission.distillation_loss(s, s.clone(), make_labels(6, 5, seed=5), 3.0, 1.0)
    assert_close(out, torch.tensor(0.0), atol=1e-6,
                 name="loss at alpha=1 when the student equals the teacher (nothing else may be added)")


def test_alpha_zero_is_plain_cross_entropy(submission):
    s, t = make_logits(7, 4, seed=6), make_logits(7, 4, seed=7)
    y = make_labels(7, 4, seed=8)
    assert_close(submission.distillation_loss(s, t, y, 4.0, 0.0),
                 torch.nn.functional.cross_entropy(s, y),
                 name="loss at alpha=0 (only the hard-label cross-entropy remains)")


def test_soft_term_at_high_temperature(submission, reference):
    s, t = make_logits(5, 6, seed=9), make_logits(5, 6, seed=10)
    y = make_labels(5, 6, seed=11)
    assert_close(submission.distillation_loss(s, t, y, 10.0, 1.0),
                 reference.distillation_loss(s, t, y, 10.0, 1.0),
                 name="soft-only loss at T=10")


def test_large_logits_stay_finite(submission, reference):
    s = make_logits(4, 8, seed=12, scale=80.0)
    t = make_logits(4, 8, seed=13, scale=80.0)
    y = make_labels(4, 8, seed=14)
    assert_close(submission.distillation_loss(s, t, y, 2.0, 0.5),
                 reference.distillation_loss(s, t, y, 2.0, 0.5),
                 name="loss with logits of size ~100")


def test_loss_gradient_reaches_student_logits_only(submission, reference):
    def probe(m):
        s = make_logits(6, 5, seed=15, requires_grad=True)
        t = make_logits(6, 5, seed=16, requires_grad=True)
        m.distillation_loss(s, t, make_labels(6, 5, seed=17), 4.0, 0.8).backward()
        return {"student": s.grad, "teacher": t.grad if t.grad is not None else torch.zeros_like(t)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher logits (should be none)")
    assert_close(got["student"], want["student"], name="gradient on the student logits")


@pytest.mark.parametrize("temperature,alpha", [(4.0, 0.9), (1.0, 0.5)], ids=["T4-a0.9", "T1-a0.5"])
def test_train_step_student_weights_match_reference(submission, reference, temperature, alpha):
    def probe(m):
        return _one_step(m, 21, temperature, alpha)["student"]

    assert_close(submission.run(probe), reference.run(probe),
                 name="student parameters after one SGD step")


def test_train_step_returns_the_loss_value(submission, reference):
    def probe(m):
        return _one_step(m, 22, 3.0, 0.7)["loss"]

    assert_close(submission.run(probe), reference.run(probe), name="loss returned by train_step")


def test_train_step_leaves_teacher_state_unchanged(submission):
    before = [v.detach().clone() for v in _models(23)[1].state_dict().values()]  # built here
    got = submission.run(lambda m: _one_step(m, 23, 4.0, 0.9)["teacher_after"])
    assert_close(got, before, rtol=0.0, atol=0.0,
                 name="teacher weights and batch-norm statistics after train_step")


def test_train_step_gives_teacher_no_gradient(submission):
    grads = submission.run(lambda m: _one_step(m, 24, 4.0, 0.9)["teacher_grads"])
    received = [g is not None and bool((g != 0).any()) for g in grads]
    expect(not any(received), "gradients of the teacher parameters after train_step",
           f"{sum(received)} teacher parameter(s) hold a nonzero gradient; none may")


def test_train_step_teacher_ends_in_eval_mode(submission):
    def probe(m):
        return _one_step(m, 25, 2.0, 0.5)["teacher_training"]

    assert submission.run(probe) is False, "teacher.training is True after train_step"


def test_train_step_trains_a_student_handed_over_in_eval_mode(submission, reference):
    def probe(m):
        return _one_step(m, 26, 4.0, 0.9, student=_bn_student(27))["student_state"]

    assert_close(submission.run(probe), reference.run(probe),
                 name="student parameters and batch-norm statistics after one step "
                      "(student with batch norm handed over in evaluation mode)")


def test_train_step_ignores_gradients_left_from_an_earlier_batch(submission, reference):
    def probe(m):
        return _one_step(m, 28, 2.0, 0.6, stale_grads=True)["student"]

    assert_close(submission.run(probe), reference.run(probe),
                 name="student parameters after one step when they held gradients from an earlier batch")


def test_train_step_does_not_record_the_teacher_forward(submission):
    recorded = submission.run(lambda m: _one_step(m, 29, 4.0, 0.9)["teacher_output_recorded"])
    expect(isinstance(recorded, list) and not any(recorded),
           "autograd graph on the teacher's output during train_step",
           f"the teacher's output required grad in {sum(bool(r) for r in recorded)} forward pass(es)")
