"""Hidden tests for ssl-mislabelled-debug: the loss, the encoder on any size, the step."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, clone_all, generator, make_embeddings


def make_images(n, size, seed, k=4, width=None):
    """n images (3, size, width or size): k smooth random prototypes plus noise."""
    w = width or size
    g = generator(seed)
    protos = F.interpolate(torch.randn(k, 3, 4, 4, generator=g), size=(size, w),
                           mode="bilinear", align_corners=False)
    return protos[torch.arange(n) % k] + 0.3 * torch.randn(n, 3, size, w, generator=g)


def tiny_encoder_and_head():
    enc = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                              torch.nn.Linear(4, 8))
    return enc, torch.nn.Linear(8, 6)


# ------------------------------------------------------------------------------ the loss

@pytest.mark.parametrize("n,d,tau", [(8, 16, 0.5), (3, 4, 0.1), (16, 32, 1.0)],
                         ids=["N8-D16-t0.5", "N3-D4-t0.1", "N16-D32-t1"])
def test_nt_xent_matches_reference(submission, reference, n, d, tau):
    z1, z2 = make_embeddings(n, d, seed=n), make_embeddings(n, d, seed=n + 50)
    assert_close(submission.nt_xent(z1, z2, tau), reference.nt_xent(z1, z2, tau),
                 name="NT-Xent over 2N anchors with 2N-2 negatives each")


def test_nt_xent_single_pair_is_zero(submission):
    z1, z2 = make_embeddings(1, 5, seed=1), make_embeddings(1, 5, seed=2)
    assert_close(submission.nt_xent(z1, z2, 0.5), torch.tensor(0.0), atol=1e-6,
                 name="NT-Xent with N=1 (an anchor with no negatives, only itself excluded)")


def test_nt_xent_ignores_the_scale_of_projections(submission, reference):
    z1, z2 = make_embeddings(6, 8, seed=3), make_embeddings(6, 8, seed=4)
    got = submission.nt_xent(z1 * 10.0, z2 * 0.1, 0.5)
    assert_close(got, reference.nt_xent(z1, z2, 0.5),
                 name="NT-Xent after rescaling the projections (similarities must be cosines)")


def test_nt_xent_is_symmetric_in_the_views(submission):
    z1, z2 = make_embeddings(5, 6, seed=5), make_embeddings(5, 6, seed=6)
    assert_close(submission.nt_xent(z1, z2, 0.3), submission.nt_xent(z2, z1, 0.3),
                 name="NT-Xent(z1, z2) vs NT-Xent(z2, z1) (both directions count)")


def test_nt_xent_small_temperature_stays_finite(submission, reference):
    z1 = make_embeddings(4, 6, seed=7)
    z2 = z1 + 0.01 * make_embeddings(4, 6, seed=8)
    assert_close(submission.nt_xent(z1, z2, 0.01), reference.nt_xent(z1, z2, 0.01), rtol=1e-3,
                 atol=1e-4, name="NT-Xent at temperature 0.01 (exp(s/tau) overflows float32)")


def test_nt_xent_float64(submission, reference):
    z1 = make_embeddings(5, 7, seed=9, dtype=torch.float64)
    z2 = make_embeddings(5, 7, seed=10, dtype=torch.float64)
    got = submission.nt_xent(z1, z2, 0.2)
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "nt_xent on float64 inputs should return a float64 scalar tensor")
    assert_close(got, reference.nt_xent(z1, z2, 0.2), rtol=1e-9, atol=1e-10,
                 name="NT-Xent on float64 projections")


def test_nt_xent_gradients_reach_both_views(submission, reference):
    def probe(m):
        z1 = make_embeddings(4, 5, seed=11, requires_grad=True)
        z2 = make_embeddings(4, 5, seed=12, requires_grad=True)
        m.nt_xent(z1, z2, 0.5).backward()
        zero = torch.zeros(4, 5)
        return {"z1": z1.grad if z1.grad is not None else zero,
                "z2": z2.grad if z2.grad is not None else zero}

    assert_close(submission.run(probe), reference.run(probe), name="gradients of NT-Xent")


# ------------------------------------------------------------------------------ the encoder

@pytest.mark.parametrize("h,w", [(48, 48), (20, 28), (9, 9)], ids=["48x48", "20x28", "9x9"])
def test_encoder_works_on_any_image_size(submission, h, w):
    def probe(m):
        torch.manual_seed(0)
        enc = m.Encoder(3, 24)
        out = enc(make_images(3, h, seed=13, width=w))
        return {"shape": list(out.shape), "finite": bool(torch.isfinite(out).all())}

    got = submission.run(probe)
    assert got == {"shape": [3, 24], "finite": True}, (
        f"Encoder(3, 24) on {h}x{w} images should give finite features of shape (3, 24), got {got}")


# ------------------------------------------------------------------------------ the step

def test_pretrain_step_matches_reference_over_two_steps(submission, reference):
    def probe(m):
        torch.manual_seed(1)
        enc, head = tiny_encoder_and_head()
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.5)
        images, g = make_images(6, 12, seed=14), generator(15)
        losses = [m.pretrain_step(enc, head, images, opt, g, 0.5) for _ in range(2)]
        return {"losses": losses, "head_weight": head.weight.detach().clone(),
                "conv_weight": enc[0].weight.detach().clone()}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["losses"], want["losses"], name="losses of two steps (views, loss)")
    assert_close(got["head_weight"], want["head_weight"],
                 name="head weights after two steps (the update itself)")
    assert_close(got["conv_weight"], want["conv_weight"],
                 name="encoder weights after two steps (does the gradient reach the encoder?)")


def test_pretrain_step_returns_a_float_and_runs_on_48x48(submission):
    def probe(m):
        torch.manual_seed(2)
        enc, head = m.Encoder(3, 16), m.ProjectionHead(16, 8)
        opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=1e-3)
        out = m.pretrain_step(enc, head, make_images(4, 48, seed=16), opt, generator(17), 0.5)
        return {"is_float": isinstance(out, float), "finite": math.isfinite(float(out))}

    assert submission.run(probe) == {"is_float": True, "finite": True}, (
        "pretrain_step(encoder, head, images, optimizer, generator, temperature) on 48x48 images "
        "should return the loss as a finite Python float (no labels anywhere)")


def test_loss_falls_with_your_encoder(submission):
    def probe(m):
        torch.manual_seed(3)
        enc, head = m.Encoder(3, 32), m.ProjectionHead(32, 16)
        opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=1e-2)
        images, g = make_images(16, 16, seed=18), generator(19)
        return [m.pretrain_step(enc, head, images, opt, g, 0.2) for _ in range(40)]

    losses = submission.run(probe)
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    assert last < 0.95 * first, (
        f"40 Adam steps (lr 1e-2, tau 0.2) on 16 synthetic 16x16 images should lower the "
        f"contrastive loss by at least 5%: mean of first 5 = {first:.3f}, last 5 = {last:.3f}")


def test_pretrain_step_leaves_images_unchanged(submission):
    def probe(m):
        torch.manual_seed(4)
        enc, head = tiny_encoder_and_head()
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.1)
        images = make_images(4, 12, seed=20)
        before = clone_all(images)
        m.pretrain_step(enc, head, images, opt, generator(21), 0.5)
        return before, images

    before, after = submission.run(probe)
    assert_close(after, before, rtol=0.0, atol=0.0, name="images after pretrain_step")
