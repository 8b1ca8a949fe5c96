"""Hidden tests for gradient-reversal: identity forward, -lambda backward, use inside a DANN graph."""

import pytest
import torch

from judge.testing import assert_close, call_unchanged, randn


@pytest.mark.parametrize("shape,lambd", [((4, 5), 1.0), ((2, 3, 4), 0.3), ((1,), 2.5), ((6,), 0.0)],
                         ids=["2d-lambda1", "3d-lambda0.3", "single-element", "lambda0"])
def test_forward_is_identity_and_gradient_is_reversed(submission, shape, lambd):
    def probe(m):
        x = randn(*shape, seed=len(shape), requires_grad=True)
        upstream = randn(*shape, seed=7)
        y = m.grad_reverse(x, lambd)
        (y * upstream).sum().backward()
        return {"y": y.detach(), "x": x.detach(), "grad": x.grad, "upstream": upstream}

    got = submission.run(probe)
    assert_close(got["y"], got["x"], rtol=0.0, atol=0.0, name="forward output (must equal the input)")
    assert_close(got["grad"], -lambd * got["upstream"],
                 name=f"gradient through the layer with lambd={lambd} (upstream gradient times -lambd)")


def test_chain_rule_through_earlier_ops(submission):
    x = randn(5, seed=1)                      # built here; the expected gradient uses this copy

    def probe(m):
        leaf = x.clone().requires_grad_(True)
        m.grad_reverse(leaf.pow(2), 0.7).sum().backward()
        return leaf.grad

    assert_close(submission.run(probe), -0.7 * 2.0 * x,
                 name="gradient of sum(grad_reverse(x^2, 0.7)) w.r.t. x")


def _dann_parts():
    torch.manual_seed(0)
    features, domain_head = torch.nn.Linear(6, 4), torch.nn.Linear(4, 1)
    x = randn(8, 6, seed=2)
    d = (torch.arange(8) % 2).float().unsqueeze(1)
    return features, domain_head, x, d


def test_dann_graph_reverses_only_the_feature_extractor(submission):
    # the plain gradients are computed here, on the trusted side, without the submission
    features, domain_head, x, d = _dann_parts()
    torch.nn.BCEWithLogitsLoss()(domain_head(features(x)), d).backward()
    plain = {"f": features.weight.grad.clone(), "h": domain_head.weight.grad.clone()}
    features, domain_head, x, d = _dann_parts()

    def probe(m):
        loss_fn = torch.nn.BCEWithLogitsLoss()
        loss_fn(domain_head(m.grad_reverse(features(x), 0.4)), d).backward()
        return {"f": features.weight.grad, "h": domain_head.weight.grad}

    rev = submission.run(probe)
    assert_close(rev["h"], plain["h"],
                 name="domain classifier gradient (layers after the reversal are trained normally)")
    assert_close(rev["f"], -0.4 * plain["f"],
                 name="feature extractor gradient (reversed and scaled by lambd=0.4)")


def test_two_layers_with_different_lambdas_in_one_graph(submission):
    def probe(m):
        a = randn(3, seed=3, requires_grad=True)
        b = randn(3, seed=4, requires_grad=True)
        ya = m.grad_reverse(a, 0.25)
        yb = m.grad_reverse(b, 2.0)          # created after ya, before any backward
        (ya.sum() + yb.sum()).backward()
        return a.grad, b.grad

    ga, gb = submission.run(probe)
    assert_close(ga, torch.full((3,), -0.25),
                 name="gradient of the first layer (lambd=0.25) when a second layer uses lambd=2")
    assert_close(gb, torch.full((3,), -2.0), name="gradient of the second layer (lambd=2)")


def test_reversing_twice_restores_the_gradient(submission):
    def probe(m):
        x = randn(4, seed=5, requires_grad=True)
        m.grad_reverse(m.grad_reverse(x, 2.0), 0.5).sum().backward()
        return x.grad

    assert_close(submission.run(probe), torch.ones(4),
                 name="gradient through two reversal layers with lambd 2 and 0.5 ((-2)(-0.5) = 1)")


def test_float64(submission):
    def probe(m):
        x = randn(3, 2, seed=6, dtype=torch.float64, requires_grad=True)
        y = m.grad_reverse(x, 1.5)
        y.sum().backward()
        return y.detach(), x.grad

    y, grad = submission.run(probe)
    assert y.dtype == torch.float64 and grad.dtype == torch.float64, "float64 in, float64 out"
    assert_close(grad, torch.full((3, 2), -1.5, dtype=torch.float64), name="float64 gradient")


def test_input_not_modified(submission):
    call_unchanged(submission, "grad_reverse", randn(4, 3, seed=8), 3.0, name="input after the call")


def test_default_lambda_is_one(submission):
    upstream = randn(3, 4, seed=11)           # built here; the expected gradient uses this copy

    def probe(m):
        x = randn(3, 4, seed=10, requires_grad=True)
        (m.grad_reverse(x) * upstream).sum().backward()
        return x.grad

    assert_close(submission.run(probe), -upstream,
                 name="gradient through grad_reverse(x) called without lambd (default 1.0)")
