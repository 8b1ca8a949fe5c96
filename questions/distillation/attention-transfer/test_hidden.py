"""Hidden tests for attention-transfer: the map, the paper's loss convention, gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

LAYERS = {  # name: (batch, [(C_s, C_t, H, W), ...])
    "one-layer": (3, [(4, 8, 5, 5)]),
    "three-layers": (2, [(2, 4, 6, 6), (4, 8, 3, 3), (8, 16, 2, 1)]),
    "batch-of-1": (1, [(3, 3, 4, 2), (5, 2, 2, 2)]),
}


def _feats(batch, layers, seed, dtype=torch.float32):
    s = [randn(batch, cs, h, w, seed=seed + 2 * j, dtype=dtype) for j, (cs, _, h, w) in enumerate(layers)]
    t = [randn(batch, ct, h, w, seed=seed + 2 * j + 1, scale=3.0, dtype=dtype)
         for j, (_, ct, h, w) in enumerate(layers)]
    return s, t


def test_attention_map_matches_reference(submission, reference):
    a = randn(3, 5, 4, 3, seed=1)
    assert_close(submission.attention_map(a), reference.attention_map(a),
                 name="attention map of a (3, 5, 4, 3) feature tensor")


def test_attention_map_is_unit_norm_and_scale_free(submission):
    a = randn(2, 4, 3, 3, seed=2)
    q = submission.attention_map(a)
    assert_close(q.norm(dim=1), torch.ones(2), name="L2 norm of each example's attention map")
    assert_close(submission.attention_map(a * 7.5), q,
                 name="attention map after scaling the features by 7.5 (should not change)")


def test_attention_map_of_zero_features_is_finite(submission):
    q = submission.attention_map(torch.zeros(2, 3, 2, 2))
    assert_close(q, torch.zeros(2, 4), name="attention map of all-zero features (eps in the norm)")


def test_attention_map_of_tiny_features_above_the_floor(submission):
    # ||Q||_2 = 1.5e-12 lies above the statement's floor of 1e-12: the map is Q / ||Q||_2 exactly
    a = randn(2, 3, 2, 2, seed=3, dtype=torch.float64)
    q = a.pow(2).sum(dim=1).flatten(1)
    a = a * (1.5e-12 / q.norm(dim=1, keepdim=True)).sqrt().view(2, 1, 1, 1)
    q = a.pow(2).sum(dim=1).flatten(1)
    assert_close(submission.attention_map(a), q / q.norm(dim=1, keepdim=True), rtol=1e-6, atol=1e-9,
                 name="attention map of features whose ||Q||_2 is 1.5e-12 (above the 1e-12 floor)")


@pytest.mark.parametrize("case", list(LAYERS))
def test_loss_matches_reference(submission, reference, case):
    batch, layers = LAYERS[case]
    s, t = _feats(batch, layers, seed=10 + batch)
    assert_close(submission.attention_transfer_loss(s, t, 50.0),
                 reference.attention_transfer_loss(s, t, 50.0), name="attention transfer loss")


def test_loss_against_a_naive_loop(submission):
    s, t = _feats(2, [(3, 5, 2, 3), (2, 4, 2, 2)], seed=20, dtype=torch.float64)
    total = 0.0
    for a_s, a_t in zip(s, t):
        for i in range(2):
            qs = [sum(float(a_s[i, c, y, x]) ** 2 for c in range(a_s.shape[1]))
                  for y in range(a_s.shape[2]) for x in range(a_s.shape[3])]
            qt = [sum(float(a_t[i, c, y, x]) ** 2 for c in range(a_t.shape[1]))
                  for y in range(a_t.shape[2]) for x in range(a_t.shape[3])]
            ns, nt = math.sqrt(sum(v * v for v in qs)), math.sqrt(sum(v * v for v in qt))
            total += math.sqrt(sum((a / ns - b / nt) ** 2 for a, b in zip(qs, qt))) / 2
    assert_close(submission.attention_transfer_loss(s, t, 3.0),
                 torch.tensor(3.0 / 2 * total, dtype=torch.float64), rtol=1e-8, atol=1e-10,
                 name="loss against the formula written out as a loop")


def test_loss_is_linear_in_beta(submission):
    s, t = _feats(2, [(3, 4, 3, 3)], seed=30)
    one = submission.attention_transfer_loss(s, t, 1.0)
    assert_close(submission.attention_transfer_loss(s, t, 40.0), 40.0 * one,
                 name="loss at beta=40 versus 40 x loss at beta=1")


def test_same_attention_gives_zero_loss(submission):
    s, _ = _feats(3, [(4, 4, 3, 3)], seed=40)
    t = [2.0 * torch.cat([s[0], -s[0]], dim=1)]    # 8 channels, same spatial pattern
    assert_close(submission.attention_transfer_loss(s, t, 10.0), torch.tensor(0.0), atol=1e-5,
                 name="loss when the teacher's attention pattern equals the student's")


def test_repeating_the_batch_does_not_change_the_loss(submission):
    s, t = _feats(2, [(3, 4, 3, 3), (2, 2, 2, 2)], seed=50)
    twice = submission.attention_transfer_loss([torch.cat([x, x]) for x in s],
                                               [torch.cat([x, x]) for x in t], 5.0)
    assert_close(twice, submission.attention_transfer_loss(s, t, 5.0),
                 name="loss on the batch repeated twice (should be a batch mean)")


def test_gradient_reaches_student_not_teacher(submission, reference):
    def probe(m):
        s, t = _feats(2, [(3, 5, 4, 4), (4, 2, 2, 2)], seed=60)
        s = [x.requires_grad_(True) for x in s]
        t = [x.requires_grad_(True) for x in t]
        m.attention_transfer_loss(s, t, 100.0).backward()
        grads = lambda xs: [x.grad if x.grad is not None else torch.zeros_like(x) for x in xs]
        return {"student": grads(s), "teacher": grads(t)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher features (should be none)")
    assert_close(got["student"], want["student"], name="gradient on the student features")


def test_float64_inputs(submission, reference):
    s, t = _feats(2, [(3, 4, 3, 2)], seed=70, dtype=torch.float64)
    out = submission.attention_transfer_loss(s, t, 8.0)
    assert out.dtype == torch.float64, f"expected a float64 result for float64 inputs, got {out.dtype}"
    assert_close(out, reference.attention_transfer_loss(s, t, 8.0), rtol=1e-9, atol=1e-10,
                 name="loss on float64 inputs")


def test_inputs_are_not_modified(submission):
    s, t = _feats(2, [(3, 4, 3, 3)], seed=80)

    def probe(m, s, t):
        m.attention_transfer_loss(s, t, 2.0)

    run_unchanged(submission, probe, s, t, name="inputs after the call")
