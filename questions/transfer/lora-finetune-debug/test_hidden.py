"""Hidden tests for lora-finetune-debug. Small MLPs (layers "0": 6->10, "2": 10->10, "4": 10->3)
are built from states made here; LoRA goes on "0" (non-square) and "2" (square). Outputs, merged
weights and losses are recomputed by the test from returned states with its own code."""

import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from judge.testing import assert_close, assert_like, expect, load_state, randn

TARGETS = ["0", "2"]
SIZES = {"0": (10, 6), "2": (10, 10), "4": (3, 10)}      # (out_features, in_features)


def base_state(seed, dtype=torch.float32):
    state = {}
    for i, (name, (out_f, in_f)) in enumerate(SIZES.items()):
        state[f"{name}.weight"] = randn(out_f, in_f, seed=seed + 2 * i, scale=1 / math.sqrt(in_f),
                                        dtype=dtype)
        state[f"{name}.bias"] = randn(out_f, seed=seed + 2 * i + 1, scale=0.1, dtype=dtype)
    return state


def make_base(state):
    """The pretrained MLP (also the trusted plain model the merged state is loaded into)."""
    model = nn.Sequential(nn.Linear(6, 10), nn.Tanh(), nn.Linear(10, 10), nn.Tanh(), nn.Linear(10, 3))
    model = model.to(state["0.weight"].dtype)
    model.load_state_dict(state)
    return model


def make_factors(seed, r, dtype=torch.float32):
    return {name: (randn(r, SIZES[name][1], seed=seed + 10 * k, scale=0.3, dtype=dtype),
                   randn(SIZES[name][0], r, seed=seed + 10 * k + 1, scale=0.3, dtype=dtype))
            for k, name in enumerate(TARGETS)}


def set_factors(model, factors):
    with torch.no_grad():
        for name, (a, b) in factors.items():
            getattr(model, name).lora_A.copy_(a)
            getattr(model, name).lora_B.copy_(b)


def lora_forward(state, factors, scaling, x):
    """The LoRA model written out: W0 x + b + scaling * B A x on the adapted layers, Tanh between."""
    h = x
    for name in SIZES:
        out = h @ state[f"{name}.weight"].T + state[f"{name}.bias"]
        if name in factors:
            a, b = factors[name]
            out = out + scaling * (h @ a.T @ b.T)
        h = torch.tanh(out) if name != "4" else out
    return h


def split_lora_state(state):
    """A returned LoRA model state -> (the base state, the factors), with the statement's names."""
    base, factors = {}, {}
    for name in SIZES:
        prefix = f"{name}.base." if name in TARGETS else f"{name}."
        base[f"{name}.weight"] = state[prefix + "weight"]
        base[f"{name}.bias"] = state[prefix + "bias"]
    for name in TARGETS:
        factors[name] = (state[f"{name}.lora_A"], state[f"{name}.lora_B"])
    return base, factors


def lora_template(r, dtype=torch.float32):
    t = {}
    for name, (out_f, in_f) in SIZES.items():
        prefix = f"{name}.base." if name in TARGETS else f"{name}."
        t[prefix + "weight"] = torch.zeros(out_f, in_f, dtype=dtype)
        t[prefix + "bias"] = torch.zeros(out_f, dtype=dtype)
        if name in TARGETS:
            t[f"{name}.lora_A"] = torch.zeros(r, in_f, dtype=dtype)
            t[f"{name}.lora_B"] = torch.zeros(out_f, r, dtype=dtype)
    return t


def task_data(seed, n=32):
    x = randn(n, 6, seed=seed)
    w = randn(3, 6, seed=seed + 1)
    return x, (x @ w.T).argmax(1)


# ------------------------------------------------------------------------------ the fresh model

def test_fresh_lora_model_computes_the_pretrained_function(submission):
    state = base_state(1)
    x = randn(7, 6, seed=2)

    def probe(m):
        torch.manual_seed(0)
        model = m.apply_lora(make_base(state), TARGETS, 4, 8.0)
        with torch.no_grad():
            return model(x)

    with torch.no_grad():
        want = make_base(state)(x)
    assert_close(submission.run(probe), want, rtol=0.0, atol=1e-6,
                 name="outputs of a freshly LoRA-wrapped model vs the pretrained model")


def test_fresh_factors(submission):
    state = base_state(3)

    def probe(m):
        torch.manual_seed(1)
        model = m.apply_lora(make_base(state), TARGETS, 4, 8.0)
        return {n: (getattr(model, n).lora_A.detach().clone(), getattr(model, n).lora_B.detach().clone())
                for n in TARGETS}

    got = submission.run(probe)
    for name in TARGETS:
        out_f, in_f = SIZES[name]
        a, b = got[name]
        assert_like(a, torch.zeros(4, in_f), name=f"lora_A of layer {name} (shape (r, in_features))")
        assert_close(b, torch.zeros(out_f, 4), rtol=0.0, atol=0.0,
                     name=f"lora_B of layer {name} when the layer is created")
        bound = 1.0 / math.sqrt(in_f)            # kaiming_uniform_(a=sqrt(5)) draws from U(-bound, bound)
        expect(float(a.abs().max()) <= bound + 1e-7 and float(a.std()) > 0.3 * bound,
               f"lora_A of layer {name} when the layer is created (kaiming_uniform_ with a=sqrt(5))",
               f"max |A| {float(a.abs().max()):.4f}, std {float(a.std()):.4f}, bound {bound:.4f}")


def test_lora_A_initialisation(submission):
    def probe(m):
        torch.manual_seed(5)
        layer = m.LoRALinear(nn.Linear(64, 32), r=8, alpha=16.0)
        return layer.lora_A.detach().clone()

    a = submission.run(probe)
    assert_like(a, torch.zeros(8, 64), name="lora_A of a LoRALinear(nn.Linear(64, 32), r=8)")
    bound = 1.0 / 8.0                    # kaiming_uniform_(a=sqrt(5)) on fan_in 64: U(-1/8, 1/8)
    top = float(a.abs().max())
    # a correct draw has all 512 values below the bound, and P(all below 0.95 * bound) = 0.95^512 < 1e-11
    expect(top <= bound + 1e-7 and top > 0.95 * bound,
           "range of lora_A when the layer is created (kaiming_uniform_ with a=sqrt(5))",
           f"max |A| {top:.4f}, bound {bound:.4f}")


def test_a_lora_layer_alone_freezes_its_base(submission):
    def probe(m):
        layer = m.LoRALinear(nn.Linear(5, 4), r=2, alpha=4.0)
        return sorted(n for n, p in layer.named_parameters() if p.requires_grad)

    assert_close(submission.run(probe), ["lora_A", "lora_B"],
                 name="parameters with requires_grad=True in a LoRALinear built on its own")


def test_only_the_lora_factors_are_trainable(submission):
    state = base_state(4)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, 2, 4.0)
        return sorted(n for n, p in model.named_parameters() if p.requires_grad)

    assert_close(submission.run(probe), ["0.lora_A", "0.lora_B", "2.lora_A", "2.lora_B"],
                 name="names of the parameters with requires_grad=True after apply_lora")


@pytest.mark.parametrize("r,alpha", [(3, 8.0), (2, 3.0)], ids=["r3-alpha8", "r2-alpha3"])
def test_forward_with_set_factors(submission, r, alpha):
    state, factors = base_state(5), make_factors(6, r)
    x = randn(2, 5, 6, seed=7)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, r, alpha)
        set_factors(model, factors)
        with torch.no_grad():
            return model(x)

    assert_close(submission.run(probe), lora_forward(state, factors, alpha / r, x),
                 name=f"outputs of the LoRA model with non-zero factors (r={r}, alpha={alpha:g})")


# ------------------------------------------------------------------------------ merging

@pytest.mark.parametrize("r,alpha", [(3, 8.0), (2, 2.0)], ids=["r3-alpha8", "r2-alpha2"])
def test_merged_weight_of_each_layer(submission, r, alpha):
    state, factors = base_state(8), make_factors(9, r)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, r, alpha)
        set_factors(model, factors)
        return {n: getattr(model, n).merged_weight().detach().clone() for n in TARGETS}

    want = {n: state[f"{n}.weight"] + (alpha / r) * (b @ a) for n, (a, b) in factors.items()}
    assert_close(submission.run(probe), want,
                 name=f"merged_weight() of the 6->10 and 10->10 layers (r={r}, alpha={alpha:g})")


def test_merged_weight_changes_nothing(submission):
    state, factors = base_state(10), make_factors(11, 3)
    x = randn(4, 6, seed=12)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, 3, 6.0)
        set_factors(model, factors)
        for n in TARGETS:
            getattr(model, n).merged_weight()
        with torch.no_grad():
            return model(x)

    assert_close(submission.run(probe), lora_forward(state, factors, 2.0, x),
                 name="outputs of the LoRA model after calling merged_weight()")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_merged_model_computes_what_the_lora_model_computed(submission, reference, dtype):
    state, factors = base_state(13, dtype), make_factors(14, 3, dtype)
    x = randn(6, 6, seed=15, dtype=dtype)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, 3, 8.0)
        set_factors(model, factors)
        model = m.merge_lora(model)
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    merged = load_state(make_base(base_state(0, dtype)), submission.run(probe),
                        name="state of the merged model (a plain MLP: no LoRA parameters left)")
    with torch.no_grad():
        got = merged(x)
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-10, "atol": 1e-12}
    assert_close(got, lora_forward(state, factors, 8.0 / 3, x), **tol,
                 name=f"outputs of the merged model vs the LoRA model ({str(dtype)[6:]})")


def test_merged_model_with_only_the_square_layer_adapted(submission):
    state = base_state(16)
    factors = {"2": make_factors(17, 2)["2"]}
    x = randn(5, 6, seed=18)

    def probe(m):
        model = m.apply_lora(make_base(state), ["2"], 2, 6.0)
        set_factors(model, factors)
        return {k: v.detach().clone() for k, v in m.merge_lora(model).state_dict().items()}

    merged = load_state(make_base(base_state(0)), submission.run(probe), name="state of the merged model")
    with torch.no_grad():
        got = merged(x)
    assert_close(got, lora_forward(state, factors, 3.0, x),
                 name="outputs of the merged model vs the LoRA model, LoRA on the 10->10 layer only")


# ------------------------------------------------------------------------------ training

class _SGD:
    """SGD with momentum and weight decay by PyTorch's update rule (no dampening, no Nesterov),
    with the zero_grad and step that train_step uses; parameters without a gradient are skipped.
    A stand-in so that a test does not pay torch.optim's one-off import cost."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params, self.lr = list(params), lr
        self.momentum, self.weight_decay, self.buf = momentum, weight_decay, {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                d = p.grad + self.weight_decay * p
                if self.momentum:
                    b = self.buf.get(i)
                    b = d.clone() if b is None else b.mul_(self.momentum).add_(d)
                    self.buf[i] = b
                    d = b
                p.sub_(self.lr * d)


def _train(m, state, a_init, steps, checkpoints, x, y, r=4, alpha=8.0):
    model = m.apply_lora(make_base(state), TARGETS, r, alpha)
    with torch.no_grad():
        for name, a in a_init.items():
            getattr(model, name).lora_A.copy_(a)
    opt = _SGD(model.parameters(), lr=0.2, momentum=0.9, weight_decay=0.01)
    states = {"0": {k: v.detach().clone() for k, v in model.state_dict().items()}}
    losses, modes = [], []
    for step in range(1, steps + 1):
        model.eval()                                  # train_step must switch to training mode
        losses.append(m.train_step(model, x, y, opt))
        modes.append(all(mod.training for mod in model.modules()))
        if step in checkpoints:
            states[str(step)] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return model, states, losses, modes


def _a_init(seed):
    return {n: randn(4, SIZES[n][1], seed=seed + k, scale=0.3) for k, n in enumerate(TARGETS)}


def test_training_changes_only_the_lora_factors(submission):
    state, a_init = base_state(20), _a_init(21)
    x, y = task_data(22)

    def probe(m):
        _, states, losses, modes = _train(m, state, a_init, 30, (30,), x, y)
        return states, losses, modes

    states, losses, modes = submission.run(probe)
    assert_close(modes, [True] * 30, name="training mode of the model after each train_step")
    expect(isinstance(states, dict) and set(states) == {"0", "30"}, "model states returned by the probe",
           prop="keys")
    for k in ("0", "30"):
        assert_like(states[k], lora_template(4), name=f"state of the LoRA model at step {k}")
    base0, f0 = split_lora_state(states["0"])
    base30, f30 = split_lora_state(states["30"])
    assert_close(base0, state, rtol=0.0, atol=0.0, name="pretrained parameters after apply_lora")
    assert_close(base30, state, rtol=0.0, atol=0.0,
                 name="pretrained parameters after 30 SGD steps with weight decay (must stay frozen)")
    assert_close({n: b for n, (_, b) in f0.items()}, {n: torch.zeros(SIZES[n][0], 4) for n in TARGETS},
                 rtol=0.0, atol=0.0, name="lora_B at step 0")
    with torch.no_grad():
        loss0 = float(F.cross_entropy(lora_forward(state, f0, 2.0, x), y))
        loss30 = float(F.cross_entropy(lora_forward(state, f30, 2.0, x), y))
    assert_close(losses[0], loss0, name="loss returned by the first train_step (recomputed by the test)")
    expect(loss30 < 0.8 * loss0, "loss after 30 LoRA steps, recomputed by the test from the returned state",
           f"{loss0:.4f} at step 0, {loss30:.4f} at step 30")


def test_training_matches_reference(submission, reference):
    state, a_init = base_state(30), _a_init(31)
    x, y = task_data(32)

    def probe(m):
        _, states, losses, _ = _train(m, state, a_init, 10, (10,), x, y)
        return {"state": states["10"], "losses": losses}

    assert_close(submission.run(probe), reference.run(probe),
                 name="LoRA model state and losses over 10 SGD steps")


def test_merge_after_training_keeps_the_function(submission):
    state, a_init = base_state(40), _a_init(41)
    x, y = task_data(42)
    x_test = randn(9, 6, seed=43)

    def probe(m):
        model, states, _, _ = _train(m, state, a_init, 8, (8,), x, y)
        merged = m.merge_lora(model)
        return states["8"], {k: v.detach().clone() for k, v in merged.state_dict().items()}

    trained, merged_state = submission.run(probe)
    assert_like(trained, lora_template(4), name="state of the LoRA model after 8 steps")
    base, factors = split_lora_state(trained)
    merged = load_state(make_base(base_state(0)), merged_state, name="state of the merged model")
    with torch.no_grad():
        got = merged(x_test)
    assert_close(got, lora_forward(base, factors, 2.0, x_test),
                 name="outputs of the merged model vs the trained LoRA model, recomputed by the test")
    assert_close(merged_state["4.weight"], state["4.weight"], rtol=0.0, atol=0.0,
                 name="the head's weight after training and merging (never adapted)")


def test_train_step_loss_with_large_logits(submission):
    state = base_state(50)
    state["4.weight"] = state["4.weight"] * 400.0            # logits of size ~100s
    x, y = task_data(51)

    def probe(m):
        model = m.apply_lora(make_base(state), TARGETS, 4, 8.0)
        opt = _SGD(model.parameters(), lr=0.0)
        return m.train_step(model, x, y, opt)

    with torch.no_grad():
        want = float(F.cross_entropy(make_base(state)(x), y))
    assert_close(submission.run(probe), want, name="loss returned by train_step with logits of size ~100s")
