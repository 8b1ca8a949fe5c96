"""Visible examples for lora-linear."""

import torch
import torch.nn as nn

from judge.testing import assert_close, randn


def test_worked_example(submission):
    def probe(m):
        base = nn.Linear(2, 2)
        with torch.no_grad():
            base.weight.copy_(torch.eye(2))
            base.bias.zero_()
        layer = m.LoRALinear(base, r=1, alpha=2.0)
        with torch.no_grad():
            layer.lora_A.copy_(torch.tensor([[1.0, 2.0]]))
            layer.lora_B.copy_(torch.tensor([[0.5], [-1.0]]))
            return layer(torch.tensor([[1.0, 1.0]])), layer.merge().detach()

    y, merged = submission.run(probe)
    assert_close(y, torch.tensor([[4.0, -5.0]]), name="output of the worked example")
    assert_close(merged, torch.tensor([[2.0, 2.0], [-2.0, -3.0]]), name="merged weight of the worked example")


def test_output_equals_base_at_initialisation(submission):
    def probe(m):
        torch.manual_seed(0)
        base = nn.Linear(8, 6)
        layer = m.LoRALinear(base, r=2, alpha=4.0)
        x = randn(3, 5, 8, seed=1)             # (batch, sequence, d_model)
        with torch.no_grad():
            return layer(x), base(x)

    got, base_out = submission.run(probe)
    assert_close(got, base_out, name="LoRA output at initialisation (B = 0, so it equals the base layer)")
