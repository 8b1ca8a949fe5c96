"""Visible examples for ssl-pretrain-step."""

import torch

from judge.testing import assert_close, generator


def test_worked_example(submission):
    z1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    z2 = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    assert_close(submission.nt_xent(z1, z2, 1.0), torch.tensor(0.820488), name="worked example")


def test_noise_free_view_is_a_shift_of_the_input(submission):
    x = torch.arange(16.0).reshape(1, 1, 4, 4)

    def probe(m):
        return m.augment(x, generator(0), max_shift=1, noise_std=0.0)

    out = submission.run(probe)
    candidates = [torch.roll(x, (dy, dx), dims=(-2, -1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    candidates += [c.flip(-1) for c in candidates]
    assert any(torch.equal(out, c) for c in candidates), (
        "with noise_std=0 the view should be a circular shift (|d| <= 1) of x, possibly flipped")


def test_one_step_returns_a_float(submission):
    def probe(m):
        torch.manual_seed(0)
        model = m.SSLModel()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        return m.ssl_step(model, torch.randn(8, 1, 8, 8, generator=generator(1)), opt,
                          generator(2), 0.5)

    out = submission.run(probe)
    assert isinstance(out, float) and out > 0, f"ssl_step should return a positive float, got {out!r}"
