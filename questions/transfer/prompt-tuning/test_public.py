"""Visible examples for prompt-tuning: run them with `judge test prompt-tuning FILE`."""

import torch
import torch.nn as nn

from judge.testing import assert_close, randn


class MeanEncoder(nn.Module):
    """A toy frozen "encoder": adds a position code and returns its input otherwise unchanged."""

    def __init__(self, d):
        super().__init__()
        self.pos = nn.Parameter(torch.arange(16.0)[:, None].repeat(1, d) / 10)

    def forward(self, h, key_padding_mask=None):
        return h + self.pos[: h.shape[1]]


def test_shapes_and_trainable_parameters(submission):
    x = randn(3, 5, 4, seed=1)
    pad_mask = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] + [True] * 4])

    def probe(m):
        model = m.PromptTuned(MeanEncoder(4), nn.Linear(4, 2), n_prompt=2)
        return {"logits_shape": list(model(x, pad_mask).shape),
                "trainable": [n for n, p in model.named_parameters() if p.requires_grad]}

    assert_close(submission.run(probe), {"logits_shape": [3, 2], "trainable": ["prompt"]},
                 name="logits shape and trainable parameters")


def test_pooling_over_real_positions(submission):
    x = torch.zeros(1, 3, 1)
    pad_mask = torch.tensor([[False, False, True]])

    def probe(m):
        head = nn.Linear(1, 1)
        with torch.no_grad():
            head.weight.fill_(1.0)
            head.bias.zero_()
        model = m.PromptTuned(MeanEncoder(1), head, n_prompt=2)
        with torch.no_grad():
            model.prompt.fill_(100.0)
            return model(x, pad_mask)

    # positions 0, 1 hold the prompt; the real tokens are at positions 2, 3 (codes 0.2, 0.3);
    # position 4 is padding: mean(0.2, 0.3) = 0.25
    assert_close(submission.run(probe), torch.tensor([[0.25]]), name="logit of the toy example")
