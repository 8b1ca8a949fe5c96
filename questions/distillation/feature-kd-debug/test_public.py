"""Visible examples for feature-kd-debug: run them with `judge test feature-kd-debug FILE`."""

import torch
import torch.nn as nn

from judge.testing import assert_close, randn


def test_worked_example(submission):
    v = torch.tensor([[[[3.0]]]])                      # (1, 1, 1, 1)
    u = torch.tensor([[[[6.0]], [[-1.0]]]])            # (1, 2, 1, 1)

    def probe(m):
        reg = nn.Conv2d(1, 2, 1)
        with torch.no_grad():
            reg.weight.copy_(torch.tensor([[[[2.0]]], [[[-1.0]]]]))
            reg.bias.copy_(torch.tensor([0.5, 0.0]))
        return m.hint_loss(v, u, reg).detach()

    # r(v) = [6.5, -3.0];  u - r(v) = [-0.5, 2.0];  1/2 * (0.25 + 4.0) = 2.125
    assert_close(submission.run(probe), torch.tensor(2.125), name="hint loss of the worked example")


def test_teacher_batch_norm_statistics_unchanged(submission):
    x = randn(4, 3, 5, 5, seed=1)

    def probe(m):
        torch.manual_seed(0)
        student = nn.Conv2d(3, 2, 3, padding=1)
        teacher = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4))
        regressor = nn.Conv2d(2, 4, 1)
        m.hint_step(student, teacher, regressor, x, m.make_optimizer(student, regressor, 0.01))
        return teacher[1].running_mean.clone(), bool(teacher.training)

    running_mean, training = submission.run(probe)
    assert_close(running_mean, torch.zeros(4), name="teacher's batch-norm running mean after hint_step")
    assert training is False, "the teacher should be in eval mode after hint_step"
