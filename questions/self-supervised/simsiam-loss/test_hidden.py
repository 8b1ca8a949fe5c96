"""Hidden tests for simsiam-loss: values, invariances and where gradients flow."""

import pytest
import torch

from judge.testing import assert_close, make_embeddings, randn, run_unchanged

CASES = [(8, 16), (1, 4), (6, 3)]  # batch N, dim D


def _views(n, d, seed, dtype=torch.float32):
    base = make_embeddings(n, d, seed=seed, dtype=torch.float64)
    out = [base + 0.8 * randn(n, d, seed=seed + i, dtype=torch.float64) for i in (1, 2, 3, 4)]
    return [t.to(dtype) for t in out]


@pytest.mark.parametrize("n,d", CASES, ids=["N8-D16", "N1-D4", "N6-D3"])
def test_matches_reference(submission, reference, n, d):
    p1, p2, z1, z2 = _views(n, d, seed=n + 10 * d)
    assert_close(submission.simsiam_loss(p1, p2, z1, z2), reference.simsiam_loss(p1, p2, z1, z2),
                 name="loss")


def test_returns_a_scalar(submission):
    p1, p2, z1, z2 = _views(3, 4, seed=1)
    out = submission.simsiam_loss(p1, p2, z1, z2)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_extremes_are_minus_one_and_one(submission):
    x, y = make_embeddings(4, 5, seed=2), make_embeddings(4, 5, seed=3)
    assert_close(submission.simsiam_loss(x, y, 3.0 * y, 0.5 * x), torch.tensor(-1.0), atol=1e-5,
                 name="loss when each prediction points along the other view's encoder output")
    assert_close(submission.simsiam_loss(x, y, -y, -2.0 * x), torch.tensor(1.0), atol=1e-5,
                 name="loss when each prediction points opposite the other view's encoder output")


def test_predictions_pair_with_the_other_view(submission):
    x, y = make_embeddings(3, 4, seed=4), make_embeddings(3, 4, seed=5)
    expected = -torch.nn.functional.cosine_similarity(x, y, dim=1).mean()
    assert_close(submission.simsiam_loss(x, y, x.clone(), y.clone()), expected,
                 name="loss when z1 equals p1 and z2 equals p2 (p1 is compared with z2)")


def test_invariant_to_rescaling_rows(submission):
    p1, p2, z1, z2 = _views(4, 6, seed=6)
    s = torch.tensor([[0.2], [5.0], [1.0], [30.0]])
    assert_close(submission.simsiam_loss(p1 * s, p2 / s, z1 * 4.0, z2 * s),
                 submission.simsiam_loss(p1, p2, z1, z2),
                 name="loss after rescaling rows by positive numbers (only angles matter)")


def test_swapping_the_views(submission):
    p1, p2, z1, z2 = _views(5, 6, seed=7)
    assert_close(submission.simsiam_loss(p2, p1, z2, z1), submission.simsiam_loss(p1, p2, z1, z2),
                 name="loss with view 1 and view 2 swapped")


def test_stop_gradient_on_z(submission, reference):
    def probe(m):
        tensors = [t.clone().requires_grad_(True) for t in _views(4, 5, seed=8)]
        m.simsiam_loss(*tensors).backward()
        return [t.grad if t.grad is not None else torch.zeros_like(t) for t in tensors]

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got[2:], want[2:], name="gradient on z1, z2 inside the loss (stop-gradient)")
    assert_close(got[:2], want[:2], rtol=1e-4, atol=1e-6, name="gradient on p1, p2")


def test_siamese_network_gradients(submission, reference):
    # A tiny shared encoder f and predictor h: the encoder must learn only through p = h(z).
    def probe(m):
        g = torch.Generator().manual_seed(9)
        w_f = (torch.randn(5, 4, generator=g) * 0.5).requires_grad_(True)
        w_h = (torch.randn(4, 4, generator=g) * 0.5).requires_grad_(True)
        x1, x2 = torch.randn(6, 5, generator=g), torch.randn(6, 5, generator=g)
        z1, z2 = torch.tanh(x1 @ w_f), torch.tanh(x2 @ w_f)
        p1, p2 = z1 @ w_h, z2 @ w_h
        m.simsiam_loss(p1, p2, z1, z2).backward()
        return {"encoder": w_f.grad, "predictor": w_h.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["predictor"], want["predictor"], rtol=1e-4, atol=1e-6,
                 name="gradient on the predictor weights")
    assert_close(got["encoder"], want["encoder"], rtol=1e-4, atol=1e-6,
                 name="gradient on the shared encoder weights (it must come only through p)")


def test_float64_inputs(submission, reference):
    p1, p2, z1, z2 = _views(5, 7, seed=10, dtype=torch.float64)
    got = submission.simsiam_loss(p1, p2, z1, z2)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64, (
        f"float64 inputs should give a float64 loss, got {getattr(got, 'dtype', type(got))}")
    assert_close(got, reference.simsiam_loss(p1, p2, z1, z2), rtol=1e-9, atol=1e-10,
                 name="loss on float64 inputs")


def test_inputs_are_not_modified(submission):
    tensors = _views(3, 4, seed=11)

    def probe(m, tensors):
        m.simsiam_loss(*tensors)

    run_unchanged(submission, probe, tensors, name="inputs after the call")
