"""Visible examples for gradient-reversal."""

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    def probe(m):
        x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = m.grad_reverse(x, 0.5)
        (y * torch.tensor([2.0, 4.0, 6.0])).sum().backward()
        return y.detach(), x.grad

    y, grad = submission.run(probe)
    assert_close(y, torch.tensor([1.0, -2.0, 3.0]), name="forward output (identity)")
    assert_close(grad, torch.tensor([-1.0, -2.0, -3.0]), name="gradient: -0.5 * [2, 4, 6]")


def test_default_lambda_is_one(submission):
    def probe(m):
        x = torch.ones(2, 3, requires_grad=True)
        m.grad_reverse(x).sum().backward()
        return x.grad

    assert_close(submission.run(probe), -torch.ones(2, 3), name="gradient with the default lambd=1")
