"""Hidden tests for frozen-backbone-bn: frozen weights, frozen BatchNorm statistics, a trainable head."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from judge.testing import assert_close, assert_like, expect, generator


def _pretrained_backbone(m, seed):
    """A backbone with non-default weights and running statistics (a stand-in for pretraining)."""
    torch.manual_seed(seed)
    bb = m.Backbone()
    bb.train()
    g = generator(seed + 1)
    with torch.no_grad():
        for _ in range(3):
            bb(torch.randn(8, 3, 8, 8, generator=g) * 2.0 + 0.5)
    return bb


def _data(n, classes, seed):
    g = generator(seed)
    x = torch.randn(n, 3, 8, 8, generator=g) * 1.5 - 0.3   # shifted: batch stats differ from running stats
    y = torch.randint(0, classes, (n,), generator=g)
    return x, y


def _backbone_state(model):
    return {k: v.detach().clone() for k, v in model.backbone.state_dict().items()}


def _train(m, *, steps=15, lr=0.5, weight_decay=0.0, dropout=0.0, classes=3, n=12, seed=0,
           defaults=False):
    """Train the head; with defaults=True, dropout and weight_decay are left to their defaults."""
    bb = _pretrained_backbone(m, seed)
    torch.manual_seed(seed + 10)
    if defaults:
        model = m.LinearProbe(bb, classes)
        opt = m.make_head_optimizer(model, lr=lr)
    else:
        model = m.LinearProbe(bb, classes, dropout=dropout)
        opt = m.make_head_optimizer(model, lr=lr, weight_decay=weight_decay)
    x, y = _data(n, classes, seed + 20)
    before = _backbone_state(model)
    head_before = [p.detach().clone() for p in model.head.parameters()]
    model.train()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {
        "before": before,
        "after": _backbone_state(model),
        "head_before": head_before,
        "head_after": [p.detach().clone() for p in model.head.parameters()],
        "losses": losses,
    }


def _split_state(state):
    stats = {k: v for k, v in state.items()
             if k.endswith(("running_mean", "running_var", "num_batches_tracked"))}
    weights = {k: v for k, v in state.items() if k not in stats}
    return weights, stats


def _trusted_backbone_state(reference, seed):
    """The backbone's state before training, built here with the trusted copy of the given
    Backbone (the statement fixes it), never taken from the sandbox."""
    return reference.run(lambda m: {k: v.detach().clone()
                                    for k, v in _pretrained_backbone(m, seed).state_dict().items()})


def test_backbone_weights_unchanged_after_training(submission, reference):
    out = submission.run(lambda m: _train(m, seed=0))
    w_before, _ = _split_state(_trusted_backbone_state(reference, 0))
    w_after, _ = _split_state(out["after"])
    # built in two processes, whose sums may differ in order: 1e-6 is far below one update
    assert_close(w_after, w_before, rtol=1e-5, atol=1e-6,
                 name="backbone conv/BN weights after training (they must stay frozen)")


def test_batchnorm_running_stats_unchanged_after_training(submission, reference):
    out = submission.run(lambda m: _train(m, seed=1))
    _, s_before = _split_state(_trusted_backbone_state(reference, 1))
    _, s_after = _split_state(out["after"])
    # built in two processes, whose sums may differ in order: 1e-6 is far below one update
    assert_close(s_after, s_before, rtol=1e-5, atol=1e-6,
                 name="backbone BatchNorm running_mean/running_var/num_batches_tracked after "
                      "training in train() mode (they must not move)")


def test_head_is_trained(submission, reference):
    out = submission.run(lambda m: _train(m, seed=2))
    head_before = reference.run(lambda m: _train(m, seed=2, steps=0)["head_after"])
    assert_like(out["head_after"], head_before, name="head parameters after training")
    moved = any(not torch.equal(a, b) for a, b in zip(out["head_after"], head_before))
    expect(moved, "head parameters after training",
           "the head's parameters equal their initial values after 15 steps")


def test_head_after_training_matches_reference(submission, reference):
    probe = lambda m: _train(m, seed=3, steps=10, lr=0.3)["head_after"]  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="head parameters after 10 SGD steps on a frozen backbone")


def test_head_with_weight_decay_matches_reference(submission, reference):
    probe = lambda m: _train(m, seed=4, steps=8, lr=0.3, weight_decay=0.05)["head_after"]  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="head parameters after SGD steps with weight_decay=0.05 "
                      "(momentum 0.9, the given weight decay)")


def test_training_with_head_dropout_matches_reference(submission, reference):
    probe = lambda m: _train(m, seed=5, steps=6, lr=0.3, dropout=0.3)["head_after"]  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="head parameters after training with head dropout p=0.3 "
                      "(dropout must be active in train mode)")


def test_loss_decreases(submission, reference):
    """Trusted evidence: the loss is recomputed here, with the trusted model, from the head that
    the submission's optimiser trained."""
    head = submission.run(lambda m: _train(m, seed=6, steps=20, lr=0.3)["head_after"])

    def loss_with(head_params):
        def trusted(m):
            bb = _pretrained_backbone(m, 6)
            torch.manual_seed(16)
            model = m.LinearProbe(bb, 3).eval()
            with torch.no_grad():
                for p, v in zip(model.head.parameters(), head_params):
                    p.copy_(v)
                x, y = _data(12, 3, 26)
                return float(F.cross_entropy(model(x), y))
        return reference.run(trusted)

    start = reference.run(lambda m: _train(m, seed=6, steps=0)["head_after"])
    assert_like(head, start, name="head parameters after training")
    before, after = loss_with(start), loss_with(head)
    expect(after < before - 0.05, "training loss of the trained head, recomputed by the test",
           f"loss {before:.3f} with the initial head, {after:.3f} after 20 steps; a fall of at "
           "least 0.05 is required")


def test_optimizer_holds_only_head_params(submission):
    def probe(m):
        bb = _pretrained_backbone(m, 7)
        model = m.LinearProbe(bb, 4)
        opt = m.make_head_optimizer(model, lr=0.1, weight_decay=0.01)
        in_opt = {id(p) for group in opt.param_groups for p in group["params"]}
        head = {id(p) for p in model.head.parameters()}
        backbone = {id(p) for p in model.backbone.parameters()}
        return {"is_sgd": isinstance(opt, torch.optim.SGD),
                "has_all_head": head <= in_opt,
                "has_backbone": bool(in_opt & backbone),
                "n_params": len(in_opt)}

    got = submission.run(probe)
    assert got["is_sgd"], "make_head_optimizer must return a torch.optim.SGD optimizer"
    assert got["has_all_head"], "the optimizer is missing some of the head's parameters"
    assert not got["has_backbone"], "the optimizer holds backbone parameters; it must hold the head's only"
    assert got["n_params"] == 2, "the optimizer should hold exactly the head's weight and bias"


def test_backbone_params_frozen_and_receive_no_grad(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 8), 3)
        model.train()
        x, y = _data(5, 3, 9)
        F.cross_entropy(model(x), y).backward()
        return {"requires_grad": [p.requires_grad for p in model.backbone.parameters()],
                "has_grad": [p.grad is not None for p in model.backbone.parameters()],
                "head_has_grad": [p.grad is not None for p in model.head.parameters()]}

    got = submission.run(probe)
    assert not any(got["requires_grad"]), "some backbone parameters still have requires_grad=True"
    assert not any(got["has_grad"]), "a backward pass put gradients on backbone parameters"
    assert all(got["head_has_grad"]), "the head's parameters received no gradient"


def test_train_mode_flags(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 10), 3, dropout=0.2)
        returned = model.train()
        bn = [mod.training for mod in model.backbone.modules() if isinstance(mod, nn.BatchNorm2d)]
        flags = {"returns_self": returned is model,
                 "model": model.training,
                 "backbone": model.backbone.training,
                 "bn": bn,
                 "head": [mod.training for mod in model.head.modules()]}
        model.eval()
        flags["head_after_eval"] = [mod.training for mod in model.head.modules()]
        flags["bn_after_eval"] = [mod.training for mod in model.backbone.modules()
                                  if isinstance(mod, nn.BatchNorm2d)]
        return flags

    got = submission.run(probe)
    assert got["bn"] and not any(got["bn"]), "after model.train() a backbone BatchNorm is in training mode"
    assert not got["backbone"], "after model.train() the backbone is not in eval mode"
    assert got["model"] and all(got["head"]), "after model.train() the head must be in training mode"
    assert got["returns_self"], "train() must return the module itself, like nn.Module.train"
    assert not any(got["head_after_eval"]) and not any(got["bn_after_eval"]), (
        "after model.eval() every submodule must be in eval mode")


def test_train_and_eval_outputs_agree_without_dropout(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 11), 3, dropout=0.0)
        x, _ = _data(6, 3, 12)
        with torch.no_grad():
            model.train()
            out_train = model(x)
            model.eval()
            out_eval = model(x)
        return out_train, out_eval

    out_train, out_eval = submission.run(probe)
    assert_close(out_train, out_eval, rtol=1e-5, atol=1e-6,
                 name="logits in train() vs eval() mode with dropout=0 (the frozen backbone "
                      "must normalise with its running statistics in both)")


def test_head_dropout_active_in_train_mode_only(submission):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 13), 3, dropout=0.5)
        x, _ = _data(6, 3, 14)
        torch.manual_seed(0)
        with torch.no_grad():
            model.train()
            a, b = model(x), model(x)
            model.eval()
            c, d = model(x), model(x)
        return {"train_differs": not torch.equal(a, b), "eval_equal": torch.equal(c, d)}

    got = submission.run(probe)
    assert got["train_differs"], "with dropout=0.5 in train() mode two forward passes were identical"
    assert got["eval_equal"], "in eval() mode two forward passes differ"


def test_single_image_batch_matches_reference(submission, reference):
    def probe(m):
        model = m.LinearProbe(_pretrained_backbone(m, 15), 5, dropout=0.0)
        x, _ = _data(1, 5, 16)
        model.train()
        with torch.no_grad():
            return model(x)

    assert_close(submission.run(probe), reference.run(probe),
                 name="logits of shape (1, num_classes) for a batch of one image in train() mode")


def test_training_with_default_dropout_and_weight_decay_matches_reference(submission, reference):
    probe = lambda m: _train(m, seed=17, steps=6, lr=0.3, defaults=True)["head_after"]  # noqa: E731
    # the reference trains with dropout=0.0 and weight_decay=0.0, the defaults the statement fixes
    expected = reference.run(lambda m: _train(m, seed=17, steps=6, lr=0.3)["head_after"])
    assert_close(submission.run(probe), expected, rtol=1e-4, atol=1e-5,
                 name="head parameters after training with LinearProbe(backbone, num_classes) "
                      "and make_head_optimizer(model, lr)")
