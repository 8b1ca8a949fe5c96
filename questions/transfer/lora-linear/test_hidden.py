"""Hidden tests for lora-linear: output, scaling, merge, initialisation, trainability and gradients."""

import pytest
import torch
import torch.nn as nn

from judge.testing import assert_close, assert_like, expect, randn


def _layer(m, *, d_in, d_out, r, alpha, seed, bias=True, dtype=torch.float32, set_ab=True):
    """A LoRALinear on a seeded base layer; with set_ab, A and B are overwritten with seeded values."""
    torch.manual_seed(seed)
    base = nn.Linear(d_in, d_out, bias=bias).to(dtype)
    layer = m.LoRALinear(base, r=r, alpha=alpha)
    if set_ab:
        with torch.no_grad():
            layer.lora_A.copy_(randn(r, d_in, seed=seed + 1, dtype=dtype))
            layer.lora_B.copy_(randn(d_out, r, seed=seed + 2, dtype=dtype))
    return layer


CASES = [  # d_in, d_out, r, alpha, input shape
    (8, 6, 2, 4.0, (3, 5, 8)),
    (16, 16, 4, 16.0, (2, 7, 16)),
    (5, 3, 2, 3.0, (1, 1, 5)),
    (12, 4, 8, 8.0, (10, 12)),
]


@pytest.mark.parametrize("d_in,d_out,r,alpha,shape", CASES,
                         ids=["r2-alpha4", "r4-alpha16-square", "r2-batch1-seq1", "r8-2d-input"])
def test_forward_matches_reference(submission, reference, d_in, d_out, r, alpha, shape):
    def probe(m):
        layer = _layer(m, d_in=d_in, d_out=d_out, r=r, alpha=alpha, seed=d_in + r)
        with torch.no_grad():
            return layer(randn(*shape, seed=99))

    assert_close(submission.run(probe), reference.run(probe),
                 name=f"output with r={r}, alpha={alpha} and A, B set to non-zero values")


def test_scaling_is_alpha_over_r(submission):
    def probe(m):
        return [float(_layer(m, d_in=4, d_out=4, r=r, alpha=a, seed=0).scaling)
                for r, a in [(1, 1.0), (4, 8.0), (16, 16.0), (8, 2.0)]]

    assert_close(submission.run(probe), [1.0, 2.0, 1.0, 0.25], name="self.scaling for (r, alpha) pairs")


def test_merge_equals_w0_plus_scaled_ba(submission, reference):
    def probe(m):
        layer = _layer(m, d_in=10, d_out=7, r=3, alpha=6.0, seed=5)
        return layer.merge().detach()

    assert_close(submission.run(probe), reference.run(probe), name="merged weight W0 + (alpha/r) B A")


def test_merged_linear_reproduces_forward_and_base_is_untouched(submission):
    torch.manual_seed(7)
    base = nn.Linear(9, 5)                   # the same seeded base layer as _layer builds
    w0, b0 = base.weight.detach().clone(), base.bias.detach().clone()
    x = randn(4, 9, seed=8)

    def probe(m):
        layer = _layer(m, d_in=9, d_out=5, r=2, alpha=3.0, seed=7)
        with torch.no_grad():
            merged = layer.merge().detach().clone()
            y_after = layer(x)
        return {"merged": merged, "w0_after": layer.base.weight.detach().clone(), "y_after": y_after}

    got = submission.run(probe)
    assert_like(got, {"merged": w0, "w0_after": w0, "y_after": torch.zeros(4, 5)},
                name="merged weight, base weight and output after merge()")
    assert_close(got["w0_after"], w0, rtol=0.0, atol=0.0,
                 name="base weight after merge() (merge must not modify the base layer)")
    assert_close(got["y_after"], x @ got["merged"].T + b0,
                 name="forward after merge() vs a linear layer with the merged weight")


def test_initialisation_shapes_and_values(submission):
    """lora_A's 512 entries are N(0, 0.02^2): their std within [0.016, 0.024] and mean within
    0.005 of 0 (chi-square Chernoff bounds and a 5.6-standard-error Gaussian tail): false
    rejection < 1e-7."""
    def probe(m):
        torch.manual_seed(11)
        layer = m.LoRALinear(nn.Linear(64, 32), r=8, alpha=16.0, init_std=0.02)
        return {"A": layer.lora_A.detach(), "B": layer.lora_B.detach()}

    got = submission.run(probe)
    assert_like(got, {"A": torch.zeros(8, 64), "B": torch.zeros(32, 8)},
                name="lora_A (r, in_features) and lora_B (out_features, r)")
    a = got["A"].double()
    expect(float(got["B"].abs().max()) == 0.0, "lora_B at initialisation", "it is not all zeros")
    expect(0.016 < float(a.std()) < 0.024 and abs(float(a.mean())) < 0.005,
           "lora_A at initialisation (Gaussian, std init_std=0.02)",
           f"std {float(a.std()):.4f}, mean {float(a.mean()):.4f}")


def test_only_a_and_b_are_trainable(submission):
    def probe(m):
        layer = _layer(m, d_in=6, d_out=4, r=2, alpha=2.0, seed=12, set_ab=False)
        return sorted(n for n, p in layer.named_parameters() if p.requires_grad)

    got = submission.run(probe)
    assert got == ["lora_A", "lora_B"], f"trainable parameters should be exactly lora_A and lora_B, got {got}"


def test_gradients_at_initialisation(submission, reference):
    def probe(m):
        layer = _layer(m, d_in=6, d_out=4, r=3, alpha=6.0, seed=13, set_ab=False)
        x = randn(5, 6, seed=14)
        (layer(x) ** 2).sum().backward()
        return {"A": layer.lora_A.grad, "B": layer.lora_B.grad, "W": layer.base.weight.grad}

    got = submission.run(probe)
    expect(got["W"] is None or not bool(got["W"].any()), "gradient of the frozen base weight",
           "the base weight received a gradient")
    expect(got["A"] is None or not bool(got["A"].any()), "gradient of lora_A at initialisation",
           "non-zero although B = 0")
    expect(got["B"] is not None and bool(got["B"].any()), "gradient of lora_B at initialisation",
           "zero or missing")


def test_gradients_match_reference(submission, reference):
    def probe(m):
        layer = _layer(m, d_in=7, d_out=5, r=2, alpha=4.0, seed=15)
        x = randn(2, 3, 7, seed=16)
        (layer(x).sin()).sum().backward()
        return {"A": layer.lora_A.grad, "B": layer.lora_B.grad}

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradients of lora_A and lora_B once B is non-zero")


def test_layer_without_bias(submission, reference):
    def probe(m):
        layer = _layer(m, d_in=6, d_out=6, r=2, alpha=1.0, seed=17, bias=False)
        with torch.no_grad():
            return layer(randn(3, 6, seed=18))

    assert_close(submission.run(probe), reference.run(probe), name="output when the base layer has no bias")


def test_float64_base_layer(submission, reference):
    def probe(m):
        layer = _layer(m, d_in=5, d_out=4, r=2, alpha=4.0, seed=19, dtype=torch.float64)
        with torch.no_grad():
            y = layer(randn(3, 5, seed=20, dtype=torch.float64))
        return {"y": y, "A_dtype": str(layer.lora_A.dtype), "merged": layer.merge().detach()}

    got, want = submission.run(probe), reference.run(probe)
    assert got["A_dtype"] == "torch.float64", "lora_A should take the dtype of the base weight"
    assert_close(got, want, rtol=1e-9, atol=1e-10, name="float64 LoRA layer")


def test_default_init_std(submission):
    """Built without init_std: lora_A's 512 entries are N(0, 0.02^2), so the bounds and the false
    rejection (< 1e-7) of test_initialisation_shapes_and_values apply."""
    def probe(m):
        torch.manual_seed(21)
        return m.LoRALinear(nn.Linear(64, 32), r=8, alpha=16.0).lora_A.detach()

    a = submission.run(probe)
    assert_like(a, torch.zeros(8, 64), name="lora_A built with the default init_std")
    a = a.double()
    expect(0.016 < float(a.std()) < 0.024 and abs(float(a.mean())) < 0.005,
           "lora_A at initialisation with the default init_std (Gaussian, std 0.02)",
           f"std {float(a.std()):.4f}, mean {float(a.mean()):.4f}")


def test_gradient_reaches_the_input(submission):
    d_in, d_out, r, alpha, seed = 7, 5, 2, 4.0, 22
    torch.manual_seed(seed)
    base = nn.Linear(d_in, d_out)                 # the same seeded base layer as _layer builds
    a, b = randn(r, d_in, seed=seed + 1), randn(d_out, r, seed=seed + 2)
    c = randn(3, d_out, seed=23)                  # the loss is sum(c * h)
    x = randn(3, d_in, seed=24)
    # dL/dx = c (W0 + (alpha / r) B A), written out here
    expected = c @ (base.weight.detach() + (alpha / r) * (b @ a))

    def probe(m):
        layer = _layer(m, d_in=d_in, d_out=d_out, r=r, alpha=alpha, seed=seed)
        xg = x.clone().requires_grad_(True)
        (layer(xg) * c).sum().backward()
        return xg.grad

    assert_close(submission.run(probe), expected, name="gradient of sum(c * h) with respect to the input x")
