"""Visible examples: read them, run them with `judge test kd-debug FILE`."""

import math

import torch

from judge.testing import assert_close, make_labels, randn


def test_worked_example(submission):
    s = torch.tensor([[0.0, 0.0]])
    t = torch.tensor([[2.0 * math.log(3.0), 0.0]])   # at T=2 the teacher gives [0.75, 0.25]
    y = torch.tensor([0])
    got = submission.distillation_loss(s, t, y, temperature=2.0, alpha=0.5)
    assert_close(got, torch.tensor(0.608198), atol=1e-5, name="worked example loss")


class _SGD:
    """Plain SGD with the two methods of torch.optim.SGD that train_step uses."""

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


def test_train_step_matches_reference(submission, reference):
    def probe(m):
        torch.manual_seed(0)
        student = torch.nn.Linear(3, 4)
        teacher = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(0.5))
        opt = _SGD(student.parameters(), 0.1)
        x, y = randn(5, 3, seed=1), make_labels(5, 4, seed=2)
        loss = m.train_step(student, teacher, x, y, opt, 2.0, 0.5)
        return {"loss": float(loss), "weight": student.weight.detach().clone(),
                "teacher_training": bool(teacher.training)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["loss"], want["loss"], name="loss returned by train_step")
    assert_close(got["weight"], want["weight"], name="student weight after one step")
    assert got["teacher_training"] is False, "the teacher should be in eval mode after train_step"
