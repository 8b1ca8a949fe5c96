"""Hidden tests for token-kd-masked: the masked average, padding invariance, edge cases."""

import math

import pytest
import torch

from judge.testing import assert_close, generator, randn, run_unchanged


def _mask(batch, length, seed, left=False):
    lengths = torch.randint(1, length + 1, (batch,), generator=generator(seed))
    pos = torch.arange(length).expand(batch, length)
    mask = pos < lengths[:, None] if not left else pos >= (length - lengths)[:, None]
    return mask.long()


CASES = [  # batch, length, vocab, temperature, left padding
    (3, 5, 7, 2.0, False),
    (4, 6, 11, 1.0, True),
    (1, 4, 5, 4.0, False),
]


@pytest.mark.parametrize("batch,length,vocab,temperature,left", CASES,
                         ids=["right-pad-T2", "left-pad-T1", "batch-of-1-T4"])
def test_matches_reference(submission, reference, batch, length, vocab, temperature, left):
    s = randn(batch, length, vocab, seed=batch, scale=3.0)
    t = randn(batch, length, vocab, seed=batch + 10, scale=3.0)
    mask = _mask(batch, length, seed=batch + 20, left=left)
    assert_close(submission.token_kd_loss(s, t, mask, temperature),
                 reference.token_kd_loss(s, t, mask, temperature), name="masked token KD loss")


def test_without_padding_equals_flattened_batchmean_kl(submission):
    s, t = randn(2, 3, 4, seed=1, scale=2.0), randn(2, 3, 4, seed=2, scale=2.0)
    T = 3.0
    want = torch.nn.functional.kl_div(torch.log_softmax(s.reshape(6, 4) / T, -1),
                                      torch.softmax(t.reshape(6, 4) / T, -1), reduction="batchmean") * T * T
    assert_close(submission.token_kd_loss(s, t, torch.ones(2, 3, dtype=torch.long), T), want,
                 name="loss with no padding (T^2 times the mean per-token KL)")


def test_changing_padded_logits_does_not_change_the_loss(submission):
    s, t = randn(3, 5, 6, seed=3), randn(3, 5, 6, seed=4)
    mask = _mask(3, 5, seed=5)
    pad = ~mask.bool()
    s2, t2 = s.clone(), t.clone()
    s2[pad] = randn(int(pad.sum()), 6, seed=6, scale=50.0)
    t2[pad] = randn(int(pad.sum()), 6, seed=7, scale=50.0)
    assert_close(submission.token_kd_loss(s2, t2, mask, 2.0), submission.token_kd_loss(s, t, mask, 2.0),
                 name="loss after changing the logits at padded positions (padding must not count)")


def test_nan_and_inf_in_padding_are_ignored(submission, reference):
    def probe(m):
        s = randn(2, 4, 5, seed=8, requires_grad=False)
        t = randn(2, 4, 5, seed=9)
        mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]])
        s[0, 3] = float("nan")
        s[1, 2:] = float("-inf")
        t[1, 3] = float("inf")
        s.requires_grad_(True)
        loss = m.token_kd_loss(s, t, mask, 2.0)
        loss.backward()
        return {"loss": loss.detach(), "grad": s.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["loss"], want["loss"], name="loss with NaN / inf logits at padded positions")
    assert_close(got["grad"], want["grad"], name="student gradient with NaN / inf logits at padded positions")


def test_an_all_padding_row_contributes_nothing(submission):
    s, t = randn(3, 4, 5, seed=10), randn(3, 4, 5, seed=11)
    mask = torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]])
    keep = [0, 2]
    assert_close(submission.token_kd_loss(s, t, mask, 2.0),
                 submission.token_kd_loss(s[keep], t[keep], mask[keep], 2.0),
                 name="loss with an all-padding row versus the loss without that row")


def test_all_padding_batch_gives_zero_and_zero_gradient(submission):
    def probe(m):
        s = randn(2, 3, 4, seed=12, requires_grad=True)
        t = randn(2, 3, 4, seed=13)
        loss = m.token_kd_loss(s, t, torch.zeros(2, 3, dtype=torch.long), 2.0)
        if loss.requires_grad:
            loss.backward()
        return {"loss": loss.detach(), "grad": s.grad if s.grad is not None else torch.zeros_like(s)}

    got = submission.run(probe)
    assert_close(got["loss"], torch.tensor(0.0), atol=0.0, name="loss when every token is padding")
    assert_close(got["grad"], torch.zeros(2, 3, 4), atol=0.0, name="gradient when every token is padding")


def test_token_mean_not_sequence_mean(submission, reference):
    s, t = randn(2, 6, 4, seed=14, scale=3.0), randn(2, 6, 4, seed=15, scale=3.0)
    mask = torch.tensor([[1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]])
    assert_close(submission.token_kd_loss(s, t, mask, 1.0), reference.token_kd_loss(s, t, mask, 1.0),
                 name="loss with one short and one long sequence")


def test_high_temperature(submission, reference):
    s, t = randn(2, 3, 8, seed=16, scale=3.0), randn(2, 3, 8, seed=17, scale=3.0)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    assert_close(submission.token_kd_loss(s, t, mask, 8.0), reference.token_kd_loss(s, t, mask, 8.0),
                 name="loss at T=8")


def test_a_single_real_token(submission):
    s = randn(2, 3, 4, seed=26, scale=2.0, dtype=torch.float64)
    t = randn(2, 3, 4, seed=27, scale=2.0, dtype=torch.float64)
    mask = torch.tensor([[0, 0, 0], [0, 1, 0]])
    T = 2.0
    p, q = torch.softmax(t[1, 1] / T, -1).tolist(), torch.softmax(s[1, 1] / T, -1).tolist()
    kl = sum(pv * math.log(pv / qv) for pv, qv in zip(p, q))
    assert_close(submission.token_kd_loss(s, t, mask, T), torch.tensor(T * T * kl, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10, name="loss when the batch holds a single real token")


def test_large_float32_logits_stay_finite(submission, reference):
    s = randn(3, 4, 8, seed=28, scale=80.0)
    t = randn(3, 4, 8, seed=29, scale=80.0)
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]])
    assert_close(submission.token_kd_loss(s, t, mask, 1.0), reference.token_kd_loss(s, t, mask, 1.0),
                 name="loss on float32 logits of size ~100 at T=1")


def test_bool_and_float_masks_agree(submission):
    s, t = randn(2, 4, 3, seed=18), randn(2, 4, 3, seed=19)
    mask = torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0]])
    want = submission.token_kd_loss(s, t, mask, 2.0)
    assert_close(submission.token_kd_loss(s, t, mask.bool(), 2.0), want, name="loss with a bool mask")
    assert_close(submission.token_kd_loss(s, t, mask.float(), 2.0), want, name="loss with a float mask")


def test_gradient_on_student_not_teacher(submission, reference):
    def probe(m):
        s = randn(2, 5, 6, seed=20, requires_grad=True)
        t = randn(2, 5, 6, seed=21, requires_grad=True)
        m.token_kd_loss(s, t, torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]), 2.0).backward()
        return {"student": s.grad, "teacher": t.grad if t.grad is not None else torch.zeros_like(t)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher logits (should be none)")
    assert_close(got["student"], want["student"], name="gradient on the student logits (zero at padding)")


def test_float64_and_large_logits(submission, reference):
    s = randn(2, 3, 5, seed=22, scale=60.0, dtype=torch.float64)
    t = randn(2, 3, 5, seed=23, scale=60.0, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    out = submission.token_kd_loss(s, t, mask, 2.0)
    assert out.dtype == torch.float64, f"expected a float64 result for float64 logits, got {out.dtype}"
    assert_close(out, reference.token_kd_loss(s, t, mask, 2.0), rtol=1e-9, atol=1e-9,
                 name="loss on float64 logits of size ~100")


def test_inputs_are_not_modified(submission):
    s, t = randn(2, 3, 4, seed=24), randn(2, 3, 4, seed=25)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])

    def probe(m, s, t, mask):
        m.token_kd_loss(s, t, mask, 2.0)

    run_unchanged(submission, probe, s, t, mask, name="inputs after the call")
