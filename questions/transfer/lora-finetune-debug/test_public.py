"""Visible examples for lora-finetune-debug: run them with `judge test lora-finetune-debug FILE`."""

import torch
import torch.nn as nn

from judge.testing import assert_close, randn


def test_worked_merge_example(submission):
    def probe(m):
        base = nn.Linear(2, 2)
        with torch.no_grad():
            base.weight.copy_(torch.eye(2))
            base.bias.zero_()
        layer = m.LoRALinear(base, r=1, alpha=2.0)                  # scaling 2
        with torch.no_grad():
            layer.lora_A.copy_(torch.tensor([[1.0, 2.0]]))
            layer.lora_B.copy_(torch.tensor([[0.5], [-1.0]]))
            return layer(torch.tensor([[1.0, 1.0]])), layer.merged_weight()

    out, merged = submission.run(probe)
    # B A = [[0.5, 1], [-1, -2]];  I + 2 B A = [[2, 2], [-2, -3]];  times [1, 1] = [4, -5]
    assert_close(out, torch.tensor([[4.0, -5.0]]), name="forward of the worked example")
    assert_close(merged, torch.tensor([[2.0, 2.0], [-2.0, -3.0]]),
                 name="merged_weight() of the worked example")


def test_fresh_layer_equals_base(submission):
    x = randn(3, 4, seed=1)
    w, b = randn(5, 4, seed=2), randn(5, seed=3)

    def probe(m):
        base = nn.Linear(4, 5)
        with torch.no_grad():
            base.weight.copy_(w)
            base.bias.copy_(b)
            return m.LoRALinear(base, r=2, alpha=4.0)(x)

    assert_close(submission.run(probe), x @ w.T + b, name="a fresh LoRALinear vs its base layer")
