"""Hidden tests for finetune-loop-debug: each bug of the loop shows up in data the probes return."""

import torch
import torch.nn as nn

from judge.testing import assert_close, generator


def _pretrained(m, seed, dropout=0.2):
    """A Classifier whose backbone has non-default weights and BatchNorm statistics."""
    torch.manual_seed(seed)
    model = m.Classifier(in_dim=10, hidden=16, num_classes=3, dropout=dropout)
    model.train()
    g = generator(seed + 1)
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 10, generator=g) * 2.0 + 1.0)
    return model


def _data(n, seed):
    g = generator(seed)
    centres = torch.randn(3, 10, generator=g) * 2.0
    y = torch.arange(n) % 3
    x = centres[y] + torch.randn(n, 10, generator=g) - 0.5
    return x, y


def _state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _finetune(m, *, seed, n=24, epochs=3, lr=0.1, batch_size=8, dropout=0.2):
    model = _pretrained(m, seed, dropout)
    x, y = _data(n, seed + 2)
    backbone_before = _state(model.backbone)
    torch.manual_seed(seed + 3)                         # dropout masks
    history = m.finetune(model, x, y, epochs=epochs, lr=lr, batch_size=batch_size)
    return {"history": history,
            "history_types": [type(h).__name__ for h in history],
            "backbone_before": backbone_before,
            "backbone_after": _state(model.backbone),
            "head": _state(model.head)}


def _floats(history):
    return [float(h) for h in history]


def test_finetune_returns_python_floats(submission):
    got = submission.run(lambda m: _finetune(m, seed=0)["history_types"])
    assert got == ["float"] * 3, (
        f"finetune should return one Python float per epoch, got types {got}")


def test_epoch_losses_match_reference(submission, reference):
    probe = lambda m: _floats(_finetune(m, seed=1)["history"])  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="mean training loss of each epoch")


def test_head_after_finetune_matches_reference(submission, reference):
    probe = lambda m: _finetune(m, seed=2)["head"]  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="head parameters after 3 epochs of fine-tuning")


def test_second_step_uses_only_its_own_gradient(submission, reference):
    probe = lambda m: _finetune(m, seed=3, n=8, epochs=1, batch_size=4, dropout=0.0)["head"]  # noqa: E731
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="head parameters after two SGD steps")


def test_backbone_weights_and_bn_statistics_unchanged(submission, reference):
    out = submission.run(lambda m: _finetune(m, seed=4))
    # the state before, built here with the trusted copy of the given Classifier
    # (the two processes may sum in different orders: 1e-6 is far below one BatchNorm update)
    before = reference.run(lambda m: _state(_pretrained(m, 4, 0.2).backbone))
    assert_close(out["backbone_after"], before, rtol=1e-5, atol=1e-6,
                 name="backbone weights and BatchNorm running statistics after fine-tuning")


def test_last_batch_of_one_example(submission, reference):
    def probe(m):
        out = _finetune(m, seed=5, n=9, epochs=2, batch_size=4)
        return {"history": _floats(out["history"]), "head": out["head"]}

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="fine-tuning with a last batch of a single example")


def test_finetune_then_evaluate_matches_reference(submission, reference):
    def probe(m):
        model = _pretrained(m, 6)
        x, y = _data(18, 17)
        torch.manual_seed(18)
        m.finetune(model, x[:12], y[:12], epochs=4, lr=0.2, batch_size=4)
        return m.evaluate(model, x[12:], y[12:], batch_size=3)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="held-out loss and accuracy after fine-tuning")


def test_evaluate_matches_reference(submission, reference):
    def probe(m):
        model = _pretrained(m, 7)
        x, y = _data(20, 8)
        return m.evaluate(model, x, y, batch_size=6)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-5, atol=1e-6,
                 name="evaluate() loss and accuracy")


def test_evaluate_is_deterministic(submission):
    def probe(m):
        model = _pretrained(m, 9, dropout=0.5)
        x, y = _data(12, 10)
        torch.manual_seed(0)
        first = m.evaluate(model, x, y)
        second = m.evaluate(model, x, y)
        return first["loss"], second["loss"]

    first, second = submission.run(probe)
    assert first == second, "two evaluate() calls on the same model and data gave different losses"


def test_evaluate_does_not_change_the_model(submission, reference):
    def probe(m):
        model = _pretrained(m, 11)
        model.train()                     # as it is right after training
        x, y = _data(12, 12)
        m.evaluate(model, x, y, batch_size=4)
        return _state(model)

    # the state before, built here with the trusted copy of the given Classifier
    # (the two processes may sum in different orders: 1e-6 is far below one BatchNorm update)
    before = reference.run(lambda m: _state(_pretrained(m, 11)))
    assert_close(submission.run(probe), before, rtol=1e-5, atol=1e-6,
                 name="model state (incl. BatchNorm running statistics) after evaluate()")


def test_evaluate_builds_no_autograd_graph(submission):
    def probe(m):
        model = _pretrained(m, 13)
        flags = []
        model.register_forward_pre_hook(lambda mod, inp: flags.append(torch.is_grad_enabled()))
        x, y = _data(10, 14)
        m.evaluate(model, x, y, batch_size=5)
        return flags

    flags = submission.run(probe)
    assert flags and not any(flags), "evaluate() ran the model with gradient tracking enabled"


def test_evaluate_leaves_model_in_eval_mode(submission):
    def probe(m):
        model = _pretrained(m, 15)
        model.train()
        x, y = _data(6, 16)
        m.evaluate(model, x, y)
        return [mod.training for mod in model.modules() if isinstance(mod, (nn.Dropout, nn.BatchNorm1d))]

    flags = submission.run(probe)
    assert not any(flags), "after evaluate() dropout/BatchNorm layers are still in training mode"


def test_finetune_from_a_model_in_eval_mode(submission, reference):
    def probe(m):
        model = _pretrained(m, 19, dropout=0.5)
        model.eval()                      # as it is right after evaluate()
        x, y = _data(12, 20)
        torch.manual_seed(21)             # dropout masks
        history = m.finetune(model, x, y, epochs=2, lr=0.1, batch_size=4)
        return {"history": _floats(history), "head": _state(model.head)}

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="losses and head after fine-tuning a model handed over in eval mode")


def _far_data(seed):
    """Features 1000 times the usual scale: logits differ by hundreds."""
    x, y = _data(6, seed)
    return x * 1000.0, y


def test_training_losses_with_logits_hundreds_apart(submission, reference):
    def probe(m):
        model = _pretrained(m, 23)
        x, y = _far_data(24)
        torch.manual_seed(25)
        return m.finetune(model, x, y, epochs=1, lr=0.01, batch_size=3)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="mean training loss with logits hundreds apart")


def test_evaluate_with_logits_hundreds_apart(submission, reference):
    def probe(m):
        model = _pretrained(m, 26)
        x, y = _far_data(27)
        return m.evaluate(model, x, y, batch_size=4)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-5, atol=1e-6,
                 name="evaluate() loss and accuracy with logits hundreds apart")
