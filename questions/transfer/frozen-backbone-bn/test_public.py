"""Visible examples: a few steps of linear probing on a frozen backbone."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from judge.testing import assert_close, generator


def _pretrained_backbone(m, seed):
    torch.manual_seed(seed)
    bb = m.Backbone()
    bb.train()
    g = generator(seed + 1)
    with torch.no_grad():
        for _ in range(3):
            bb(torch.randn(8, 3, 8, 8, generator=g) * 2.0 + 0.5)
    return bb


def test_running_stats_frozen_and_head_trains(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 0), 3)
        opt = m.make_head_optimizer(model, lr=0.5)
        g = generator(1)
        x, y = torch.randn(10, 3, 8, 8, generator=g) - 0.5, torch.randint(0, 3, (10,), generator=g)
        stats = {k: v.clone() for k, v in model.backbone.state_dict().items()}
        head = model.head[1].weight.detach().clone()
        model.train()
        for _ in range(5):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        return {"backbone_before": stats,
                "backbone_after": {k: v.clone() for k, v in model.backbone.state_dict().items()},
                "head_moved": not torch.equal(head, model.head[1].weight.detach())}

    got = submission.run(probe)
    assert_close(got["backbone_after"], got["backbone_before"], rtol=0.0, atol=0.0,
                 name="backbone weights and BatchNorm statistics after 5 training steps")
    assert got["head_moved"], "the head did not change during training"


def test_train_keeps_batchnorm_in_eval_mode(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 2), 3)
        model.train()
        return {"bn_training": [mod.training for mod in model.modules()
                                if isinstance(mod, nn.BatchNorm2d)],
                "head_training": model.head.training}

    got = submission.run(probe)
    assert got["bn_training"] == [False, False], "model.train() put a backbone BatchNorm in training mode"
    assert got["head_training"], "model.train() must put the head in training mode"
