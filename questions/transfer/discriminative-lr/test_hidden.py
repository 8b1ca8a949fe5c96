"""Hidden tests for discriminative-lr: per-group learning rates, grouping by name, gradual unfreezing."""

import pytest
import torch
import torch.nn as nn

from judge.testing import assert_close

PREFIXES = ["embed", "block1", "block2", "block10", "head"]


def _tiny_lm():
    torch.manual_seed(0)
    return nn.ModuleDict({
        "embed": nn.Embedding(10, 4),
        "block1": nn.Linear(4, 4),
        "block2": nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4)),
        "block10": nn.Linear(4, 4),
        "head": nn.Linear(4, 10),
    })


@pytest.mark.parametrize("n,top_lr,factor", [(4, 0.01, 2.6), (1, 0.003, 2.6), (6, 1.0, 2.0)],
                         ids=["4-groups", "single-group", "6-groups-factor2"])
def test_layer_lrs_match_reference(submission, reference, n, top_lr, factor):
    assert_close(submission.layer_lrs(n, top_lr, factor), reference.layer_lrs(n, top_lr, factor),
                 rtol=1e-9, atol=0.0, name=f"layer_lrs({n}, {top_lr}, {factor})")


def test_top_group_gets_the_top_lr(submission):
    lrs = submission.layer_lrs(5, 0.004)
    assert_close(lrs[-1], 0.004, rtol=1e-12, name="lr of the top (last) group")
    assert all(a < b for a, b in zip(lrs, lrs[1:])), "learning rates must increase from the bottom group to the top"


def test_ratio_between_neighbouring_groups(submission):
    lrs = submission.layer_lrs(4, 0.02)
    assert_close([b / a for a, b in zip(lrs, lrs[1:])], [2.6, 2.6, 2.6], rtol=1e-9,
                 name="ratio lr[l+1] / lr[l] with the default factor")


def test_param_groups_match_reference(submission, reference):
    probe = lambda m: m.param_groups(_tiny_lm(), PREFIXES, 0.01)  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe),
                 rtol=1e-9, atol=0.0, name="param_groups: names and lr of each group")


def test_prefix_does_not_capture_a_longer_name(submission):
    groups = submission.run(lambda m: m.param_groups(_tiny_lm(), PREFIXES, 0.01))
    block1 = groups[1]["names"]
    assert sorted(block1) == ["block1.bias", "block1.weight"], (
        f"group 'block1' holds {block1}: a prefix must match a whole module path, not the start of 'block10'")


def test_param_groups_build_a_working_optimizer(submission):
    def probe(m):
        model = _tiny_lm()
        params = dict(model.named_parameters())
        groups = m.param_groups(model, PREFIXES, 0.05)
        opt = torch.optim.SGD([{"params": [params[n] for n in g["names"]], "lr": g["lr"]} for g in groups])
        covered = sorted(n for g in groups for n in g["names"])
        return {"lrs": [pg["lr"] for pg in opt.param_groups], "covered": covered,
                "all": sorted(params)}

    got = submission.run(probe)
    assert got["covered"] == got["all"], "every parameter of the model should be in exactly one group"
    assert_close(got["lrs"], [0.05 / 2.6 ** k for k in (4, 3, 2, 1, 0)], rtol=1e-9, atol=0.0,
                 name="optimizer learning rates, bottom to top")


@pytest.mark.parametrize("n", [1, 4, 6])
def test_trainable_groups_match_reference(submission, reference, n):
    assert_close([submission.trainable_groups(e, n) for e in range(n + 2)],
                 [reference.trainable_groups(e, n) for e in range(n + 2)],
                 name=f"trainable groups for epochs 0..{n + 1} with {n} groups")


def test_first_epoch_trains_only_the_top_group(submission):
    assert submission.trainable_groups(0, 5) == [4], "in epoch 0 only the top (last) group is trainable"


def test_apply_gradual_unfreezing(submission):
    def probe(m):
        model = _tiny_lm()
        flags = []
        for epoch in range(3):
            m.apply_gradual_unfreezing(model, PREFIXES, epoch)
            flags.append({n: p.requires_grad for n, p in model.named_parameters()})
        return flags

    flags = submission.run(probe)
    expected_on = [{"head"}, {"block10", "head"}, {"block2", "block10", "head"}]
    for epoch, (f, on) in enumerate(zip(flags, expected_on)):
        wrong = [n for n, rg in f.items() if rg != (n.split(".")[0] in on)]
        assert not wrong, f"epoch {epoch}: requires_grad is wrong for {wrong}"
