"""Hidden tests for prompt-tuning. The frozen encoder (one self-attention block with its own
position embeddings) and head are built in the probe from states made here; the test recomputes
logits, gradients and optimiser steps with its own functional code from the returned states."""

import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from judge.testing import assert_close, assert_like, binomial_bounds, expect, randn, run_unchanged

D, HEADS, MAX_LEN, CLASSES = 8, 2, 16, 3


class TinyEncoder(nn.Module):
    """A frozen pretrained block: position embeddings, self-attention with a key padding mask,
    a residual LayerNorm and a feed-forward layer. Positions matter, so order matters."""

    def __init__(self, d=D, heads=HEADS, max_len=MAX_LEN):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(max_len, d))
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Linear(d, d)

    def forward(self, h, key_padding_mask=None):
        h = h + self.pos[: h.shape[1]]
        a, _ = self.attn(h, h, h, key_padding_mask=key_padding_mask, need_weights=False)
        h = self.norm(h + a)
        return h + torch.tanh(self.ff(h))


def encoder_state(seed, dtype=torch.float32):
    return {"pos": randn(MAX_LEN, D, seed=seed, scale=0.5, dtype=dtype),
            "attn.in_proj_weight": randn(3 * D, D, seed=seed + 1, scale=0.4, dtype=dtype),
            "attn.in_proj_bias": randn(3 * D, seed=seed + 2, scale=0.1, dtype=dtype),
            "attn.out_proj.weight": randn(D, D, seed=seed + 3, scale=0.4, dtype=dtype),
            "attn.out_proj.bias": randn(D, seed=seed + 4, scale=0.1, dtype=dtype),
            "norm.weight": 1.0 + randn(D, seed=seed + 5, scale=0.1, dtype=dtype),
            "norm.bias": randn(D, seed=seed + 6, scale=0.1, dtype=dtype),
            "ff.weight": randn(D, D, seed=seed + 7, scale=0.4, dtype=dtype),
            "ff.bias": randn(D, seed=seed + 8, scale=0.1, dtype=dtype)}


def head_state(seed, dtype=torch.float32):
    return {"weight": randn(CLASSES, D, seed=seed, scale=0.6, dtype=dtype),
            "bias": randn(CLASSES, seed=seed + 1, scale=0.1, dtype=dtype)}


def build(m, e_state, h_state, n_prompt, prompt=None):
    """The model under test, built beside the submission from states made by the test."""
    dtype = e_state["pos"].dtype
    encoder = TinyEncoder().to(dtype)
    encoder.load_state_dict(e_state)
    head = nn.Linear(D, CLASSES).to(dtype)
    head.load_state_dict(h_state)
    model = m.PromptTuned(encoder, head, n_prompt)
    if prompt is not None:
        with torch.no_grad():
            model.prompt.copy_(prompt)
    return model


def trusted_logits(e, hd, prompt, x, pad_mask=None):
    """The statement's forward pass, written out with functional ops."""
    b, length = x.shape[:2]
    n_prompt = prompt.shape[0]
    h = torch.cat([prompt.expand(b, -1, -1), x], 1) + e["pos"][: n_prompt + length]
    q, k, v = (h @ e["attn.in_proj_weight"].T + e["attn.in_proj_bias"]).chunk(3, dim=-1)
    dh = D // HEADS

    def heads(t):
        return t.reshape(b, -1, HEADS, dh).transpose(1, 2)                 # (B, H, S, dh)

    scores = heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(dh)
    if pad_mask is not None:
        ignore = torch.cat([torch.zeros(b, n_prompt, dtype=torch.bool), pad_mask], 1)
        scores = scores.masked_fill(ignore[:, None, None, :], float("-inf"))
    a = (scores.softmax(-1) @ heads(v)).transpose(1, 2).reshape(b, -1, D)
    a = a @ e["attn.out_proj.weight"].T + e["attn.out_proj.bias"]
    h = F.layer_norm(h + a, (D,), e["norm.weight"], e["norm.bias"])
    out = (h + torch.tanh(h @ e["ff.weight"].T + e["ff.bias"]))[:, n_prompt:]
    if pad_mask is None:
        pooled = out.mean(1)
    else:
        real = (~pad_mask).to(out.dtype)[:, :, None]
        pooled = (out * real).sum(1) / real.sum(1)
    return pooled @ hd["weight"].T + hd["bias"]


def batch(seed, b=5, length=6, dtype=torch.float32):
    x = randn(b, length, D, seed=seed, dtype=dtype)
    lengths = torch.tensor([length, 3, 1, length - 1, 2][:b])
    pad_mask = torch.arange(length)[None, :] >= lengths[:, None]          # True = padding
    y = torch.tensor([0, 2, 1, 1, 0][:b])
    return x, pad_mask, y


def prompt_values(seed, n_prompt, dtype=torch.float32):
    return randn(n_prompt, D, seed=seed, scale=0.5, dtype=dtype)


# ------------------------------------------------------------------------------ the forward pass

@pytest.mark.parametrize("n_prompt,masked", [(4, True), (2, False), (1, True)],
                         ids=["P4-padded", "P2-no-mask", "P1-padded"])
def test_logits_match_the_forward_pass_written_out(submission, n_prompt, masked):
    e, hd, p = encoder_state(1), head_state(2), prompt_values(3, n_prompt)
    x, pad_mask, _ = batch(4)
    mask = pad_mask if masked else None

    def probe(m):
        with torch.no_grad():
            return build(m, e, hd, n_prompt, p)(x, mask)

    assert_close(submission.run(probe), trusted_logits(e, hd, p, x, mask),
                 name=f"logits with {n_prompt} prompt vectors "
                      + ("and padding" if masked else "and no mask"))


def test_logits_match_reference(submission, reference):
    e, hd, p = encoder_state(5), head_state(6), prompt_values(7, 3)
    x, pad_mask, _ = batch(8)

    def probe(m):
        with torch.no_grad():
            return build(m, e, hd, 3, p)(x, pad_mask)

    assert_close(submission.run(probe), reference.run(probe), name="logits with padding")


def test_padded_positions_do_not_matter(submission):
    e, hd, p = encoder_state(9), head_state(10), prompt_values(11, 3)
    x, pad_mask, _ = batch(12)
    x_other = torch.where(pad_mask[:, :, None], randn(*x.shape, seed=13, scale=5.0), x)

    def probe(m):
        model = build(m, e, hd, 3, p)
        with torch.no_grad():
            return model(x, pad_mask), model(x_other, pad_mask)

    a, b = submission.run(probe)
    assert_close(b, a, name="logits when only the values at padded positions change")


def test_each_sequence_is_independent_of_the_batch(submission):
    e, hd, p = encoder_state(14), head_state(15), prompt_values(16, 2)
    x, pad_mask, _ = batch(17)

    def probe(m):
        model = build(m, e, hd, 2, p)
        with torch.no_grad():
            return model(x, pad_mask), [model(x[i:i + 1], pad_mask[i:i + 1]) for i in range(5)]

    together, alone = submission.run(probe)
    assert_close(torch.cat(alone), together, name="logits of each sequence alone vs in the batch")


def test_float64_model(submission):
    f64 = torch.float64
    e, hd, p = encoder_state(18, f64), head_state(19, f64), prompt_values(20, 3, f64)
    x, pad_mask, _ = batch(21, dtype=torch.float64)

    def probe(m):
        model = build(m, e, hd, 3, p)
        with torch.no_grad():
            return model(x, pad_mask), model.prompt.detach().clone()

    logits, prompt = submission.run(probe)
    assert_close(prompt, p, rtol=0.0, atol=0.0, name="prompt of a float64 model (dtype of the head)")
    assert_close(logits, trusted_logits(e, hd, p, x, pad_mask), rtol=1e-9, atol=1e-11,
                 name="logits of a float64 model")


def test_inputs_are_not_modified(submission):
    e, hd = encoder_state(22), head_state(23)
    x, pad_mask, _ = batch(24)

    def probe(m, x, pad_mask):
        torch.manual_seed(0)
        with torch.no_grad():
            build(m, e, hd, 3)(x, pad_mask)

    run_unchanged(submission, probe, x, pad_mask, name="inputs and padding mask after the forward pass")


# ------------------------------------------------------------------------------ the parameters

def test_fresh_prompt(submission):
    e, hd = encoder_state(25), head_state(26)

    def probe(m):
        torch.manual_seed(27)
        return build(m, e, hd, 64).prompt.detach().clone()

    prompt = submission.run(probe)
    assert_like(prompt, torch.zeros(64, D), name="prompt of a new model: shape (n_prompt, d_model)")
    expect(float(prompt.abs().max()) <= 0.5, "range of a new prompt (uniform on [-0.5, 0.5])",
           f"max |p| {float(prompt.abs().max()):.3f}")
    # each quarter of [-0.5, 0.5] holds Binomial(512, 1/4) of the 512 values: four checks at
    # alpha = 1e-8 each, so a correct initialisation fails with probability below 4e-8
    n = prompt.numel()
    lo, hi = binomial_bounds(n, 0.25, 1e-8)
    counts = torch.histc(prompt.double(), bins=4, min=-0.5, max=0.5).long().tolist()
    expect(all(lo <= c <= hi for c in counts),
           "values of a new prompt in each quarter of [-0.5, 0.5] (uniform initialisation)",
           f"counts {counts}, each should lie in [{lo}, {hi}]")


def test_only_the_prompt_is_trainable(submission):
    e, hd = encoder_state(28), head_state(29)

    def probe(m):
        model = build(m, e, hd, 4)
        return sorted(n for n, p in model.named_parameters() if p.requires_grad)

    assert_close(submission.run(probe), ["prompt"], name="parameters with requires_grad=True")


def test_only_the_prompt_receives_a_gradient(submission):
    e, hd, p = encoder_state(30), head_state(31), prompt_values(32, 3)
    x, pad_mask, y = batch(33)

    def probe(m):
        model = build(m, e, hd, 3, p)
        F.cross_entropy(model(x, pad_mask), y).backward()
        return {n: q.grad for n, q in model.named_parameters() if q.grad is not None}

    got = submission.run(probe)
    expect(isinstance(got, dict) and set(got) == {"prompt"},
           "parameters holding a gradient after backward()",
           f"got {sorted(got) if isinstance(got, dict) else got}", prop="keys")
    p_ = p.clone().requires_grad_(True)
    F.cross_entropy(trusted_logits(e, hd, p_, x, pad_mask), y).backward()
    assert_close(got["prompt"], p_.grad, name="gradient on the prompt, recomputed by the test")


# ------------------------------------------------------------------------------ training

def _train(m, e, hd, p, x, pad_mask, y, steps, lr=0.5):
    model = build(m, e, hd, 3, p)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=0.01)
    states = {"0": {k: v.detach().clone() for k, v in model.state_dict().items()}}
    for step in range(1, steps + 1):
        opt.zero_grad()
        F.cross_entropy(model(x, pad_mask), y).backward()
        opt.step()
        if step in (1, steps):
            states[str(step)] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return states


def _template():
    t = {"prompt": torch.zeros(3, D)}
    t.update({f"encoder.{k}": v for k, v in encoder_state(0).items()})
    t.update({f"head.{k}": v for k, v in head_state(0).items()})
    return t


def test_an_optimiser_step_changes_only_the_prompt(submission):
    e, hd, p = encoder_state(40), head_state(41), prompt_values(42, 3)
    x, pad_mask, y = batch(43)
    states = submission.run(lambda m: _train(m, e, hd, p, x, pad_mask, y, 1))
    expect(isinstance(states, dict) and set(states) == {"0", "1"}, "model states returned by the probe",
           prop="keys")
    assert_like(states["1"], _template(), name="state of the model after one step")
    frozen = {f"encoder.{k}": v for k, v in e.items()} | {f"head.{k}": v for k, v in hd.items()}
    assert_close({k: v for k, v in states["1"].items() if k != "prompt"}, frozen, rtol=0.0, atol=0.0,
                 name="encoder and head after an SGD step with weight decay (frozen)")
    p_ = p.clone().requires_grad_(True)
    F.cross_entropy(trusted_logits(e, hd, p_, x, pad_mask), y).backward()
    assert_close(states["1"]["prompt"], (p - 0.5 * (p_.grad + 0.01 * p)).detach(),
                 name="prompt after one SGD step, recomputed by the test")


def test_training_the_prompt_lowers_the_loss(submission):
    e, hd, p = encoder_state(50), head_state(51), prompt_values(52, 3)
    x, pad_mask, y = batch(53)
    states = submission.run(lambda m: _train(m, e, hd, p, x, pad_mask, y, 40, lr=1.0))
    assert_like(states["40"], _template(), name="state of the model after 40 steps")
    with torch.no_grad():
        before = float(F.cross_entropy(trusted_logits(e, hd, p, x, pad_mask), y))
        after = float(F.cross_entropy(trusted_logits(e, hd, states["40"]["prompt"], x, pad_mask), y))
    frozen = {f"encoder.{k}": v for k, v in e.items()} | {f"head.{k}": v for k, v in hd.items()}
    assert_close({k: v for k, v in states["40"].items() if k != "prompt"}, frozen, rtol=0.0, atol=0.0,
                 name="encoder and head after 40 steps (frozen)")
    expect(after < 0.8 * before, "loss after 40 prompt-tuning steps, recomputed by the test",
           f"{before:.4f} before, {after:.4f} after")
