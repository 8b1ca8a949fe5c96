"""Visible examples for finetune-loop-debug."""

import torch

from judge.testing import assert_close, generator


def _pretrained(m, seed):
    torch.manual_seed(seed)
    model = m.Classifier(in_dim=10, hidden=16, num_classes=3, dropout=0.2)
    model.train()
    g = generator(seed + 1)
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 10, generator=g) * 2.0 + 1.0)
    return model


def test_history_is_floats_and_backbone_is_untouched(submission):
    def probe(m):
        model = _pretrained(m, 0)
        g = generator(1)
        x, y = torch.randn(16, 10, generator=g), torch.arange(16) % 3
        before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
        history = m.finetune(model, x, y, epochs=2, lr=0.1, batch_size=8)
        return {"types": [type(h).__name__ for h in history],
                "before": before,
                "after": {k: v.clone() for k, v in model.backbone.state_dict().items()}}

    got = submission.run(probe)
    assert got["types"] == ["float", "float"], f"finetune should return Python floats, got {got['types']}"
    assert_close(got["after"], got["before"], rtol=0.0, atol=0.0,
                 name="backbone weights and BatchNorm statistics after fine-tuning")


def test_evaluate_twice_gives_the_same_answer(submission):
    def probe(m):
        model = _pretrained(m, 2)
        g = generator(3)
        x, y = torch.randn(12, 10, generator=g), torch.arange(12) % 3
        return m.evaluate(model, x, y), m.evaluate(model, x, y)

    first, second = submission.run(probe)
    assert_close(second, first, rtol=0.0, atol=0.0, name="second evaluate() vs first")
