"""Hidden tests for ssl-mislabelled-debug: the loss, the encoder on any size, the step."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import (
    assert_close,
    assert_like,
    expect,
    generator,
    make_embeddings,
    run_unchanged,
    state_of,
)


def make_images(n, size, seed, k=4, width=None):
    """n images (3, size, width or size): k smooth random prototypes plus noise."""
    w = width or size
    g = generator(seed)
    protos = F.interpolate(torch.randn(k, 3, 4, 4, generator=g), size=(size, w),
                           mode="bilinear", align_corners=False)
    return protos[torch.arange(n) % k] + 0.3 * torch.randn(n, 3, size, w, generator=g)


class ModeShift(torch.nn.Module):
    """Identity in training mode; adds 1 in eval mode (makes the mode visible in the results)."""

    def forward(self, x):
        return x if self.training else x + 1.0


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


def test_nt_xent_default_temperature_is_0_5(submission):
    z1, z2 = make_embeddings(5, 4, seed=22), make_embeddings(5, 4, seed=23)
    assert_close(submission.nt_xent(z1, z2),
                 torch.tensor(nt_xent_written_out(z1, z2, 0.5), dtype=torch.float32),
                 name="NT-Xent with the default temperature")


def test_nt_xent_small_temperature_stays_finite(submission, reference):
    z1 = make_embeddings(4, 6, seed=7)
    z2 = z1 + 0.01 * make_embeddings(4, 6, seed=8)
    assert_close(submission.nt_xent(z1, z2, 0.01), reference.nt_xent(z1, z2, 0.01), rtol=1e-3,
                 atol=1e-4, name="NT-Xent at temperature 0.01")


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
    images = make_images(3, h, seed=13, width=w)

    def probe(m):
        torch.manual_seed(0)
        return m.Encoder(3, 24)(images)

    assert_like(submission.run(probe), torch.zeros(3, 24),
                name=f"features of Encoder(3, 24) on three {h}x{w} images")


def test_default_sizes_of_encoder_and_head(submission):
    images = make_images(4, 16, seed=24)

    def probe(m):
        torch.manual_seed(5)
        features = m.Encoder()(images)
        return features.detach(), m.ProjectionHead()(features).detach()

    features, projections = submission.run(probe)
    assert_like(features, torch.zeros(4, 32),
                name="features of Encoder() on four 3-channel float32 images (default sizes)")
    assert_like(projections, torch.zeros(4, 16),
                name="projections of ProjectionHead() on those features (default sizes)")


def test_one_sgd_step_updates_encoder_and_head(submission):
    """Trusted evidence: the probe returns the states of Encoder(3, 16) and ProjectionHead(16, 8)
    before and after one SGD step on a loss of the projections (in eval mode, so that only the
    optimizer changes a state); the test checks here that each module's state changed."""
    images = make_images(4, 16, seed=25)

    def probe(m):
        torch.manual_seed(6)
        enc, head = m.Encoder(3, 16), m.ProjectionHead(16, 8)
        enc.eval()
        head.eval()
        states = {"0": {"enc": state_of(enc), "head": state_of(head)}}
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.1)
        opt.zero_grad()
        head(enc(images)).pow(2).mean().backward()
        opt.step()
        states["1"] = {"enc": state_of(enc), "head": state_of(head)}
        return states

    states = submission.run(probe)
    expect(isinstance(states, dict) and set(states) == {"0", "1"}
           and all(isinstance(v, dict) and set(v) == {"enc", "head"} for v in states.values()),
           "states of Encoder(3, 16) and ProjectionHead(16, 8) before and after one SGD step",
           "expected {'0': {'enc': ..., 'head': ...}, '1': {...}}")
    for key, what in (("enc", "Encoder(3, 16)"), ("head", "ProjectionHead(16, 8)")):
        before = states["0"][key]
        expect(isinstance(before, dict) and bool(before)
               and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in before.items()),
               f"state of {what} before the step", "expected a non-empty state_dict")
        assert_like(before, before, name=f"state of {what} before the step")  # all finite
        assert_like(states["1"][key], before, name=f"state of {what} after one SGD step")
        moved = [k for k, v in before.items()
                 if v.is_floating_point() and not torch.equal(v, states["1"][key][k])]
        expect(bool(moved), f"parameters of {what} after one SGD step on a loss of the projections",
               "no floating tensor of its state changed")


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
                 name="encoder weights after two steps")


def test_pretrain_step_default_temperature(submission, reference):
    def probe(m):
        torch.manual_seed(7)
        enc, head = tiny_encoder_and_head()
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.5)
        loss = m.pretrain_step(enc, head, make_images(6, 12, seed=26), opt, generator(27))
        return {"loss": loss, "head_weight": head.weight.detach().clone()}

    assert_close(submission.run(probe), reference.run(probe),
                 name="loss and head weights of a step with the default temperature")


def test_pretrain_step_puts_encoder_and_head_in_training_mode(submission, reference):
    def probe(m):
        torch.manual_seed(8)
        enc, head = tiny_encoder_and_head()
        enc, head = torch.nn.Sequential(enc, ModeShift()), torch.nn.Sequential(head, ModeShift())
        enc.eval()
        head.eval()
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.5)
        loss = m.pretrain_step(enc, head, make_images(6, 12, seed=28), opt, generator(29), 0.5)
        return {"loss": loss, "head_weight": head[0].weight.detach().clone(),
                "conv_weight": enc[0][0].weight.detach().clone()}

    assert_close(submission.run(probe), reference.run(probe),
                 name="loss and weights of a step on an encoder and head handed over in eval "
                      "mode, whose outputs depend on the mode")


def test_pretrain_step_encodes_view_1_then_view_2(submission, reference):
    """An encoder with BatchNorm (momentum 0.5): its running statistics after the step depend on
    the order of the two forward passes, which the statement fixes (v1, then v2)."""
    def probe(m):
        torch.manual_seed(9)
        enc = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1),
                                  torch.nn.BatchNorm2d(4, momentum=0.5), torch.nn.ReLU(),
                                  torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                                  torch.nn.Linear(4, 8))
        head = torch.nn.Linear(8, 6)
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.5)
        loss = m.pretrain_step(enc, head, make_images(6, 12, seed=30), opt, generator(31), 0.5)
        return {"loss": loss, "encoder": state_of(enc)}

    assert_close(submission.run(probe), reference.run(probe),
                 name="loss and encoder state (BatchNorm running statistics included) after one "
                      "step")


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


def small_encoder_and_head():
    """An encoder that pools adaptively, as the statement asks, defined by the test."""
    enc = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(),
                              torch.nn.Linear(32, 32))
    return enc, torch.nn.Linear(32, 16)


def test_loss_falls_during_pretraining(submission, reference):
    """Trusted evidence: the probe returns only the learned states; the loss is recomputed here
    with the test's own NT-Xent on views drawn by the given (trusted) augmentation."""
    torch.manual_seed(3)
    enc, head = small_encoder_and_head()
    start = {"enc": state_of(enc), "head": state_of(head)}
    images = make_images(16, 16, seed=18)

    def probe(m):
        opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=1e-2)
        g = generator(19)
        for _ in range(40):
            m.pretrain_step(enc, head, images, opt, g, 0.2)
        return {"enc": state_of(enc), "head": state_of(head)}

    learned = submission.run(probe)
    assert_like(learned, start, name="encoder and head states after 40 steps")

    def loss_of(state):
        e, h = small_encoder_and_head()
        e.load_state_dict(state["enc"])
        h.load_state_dict(state["head"])
        g, total = generator(99), 0.0
        with torch.no_grad():
            for _ in range(4):
                v1, v2 = reference.two_views(images, g)
                total += float(nt_xent_written_out(h(e(v1)), h(e(v2)), 0.2))
        return total / 4

    before, after = loss_of(start), loss_of(learned)
    expect(after < 0.9 * before,
           "contrastive loss after 40 steps, recomputed by the test from the returned states",
           f"loss {before:.3f} before and {after:.3f} after 40 Adam steps; at least a 10% fall "
           "is required")


def nt_xent_written_out(z1, z2, tau):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]).double(), dim=1)
    sim = u @ u.t() / tau
    total = 0.0
    for i in range(2 * n):
        others = torch.cat([sim[i, :i], sim[i, i + 1:]])
        total += float(torch.logsumexp(others, 0) - sim[i, (i + n) % (2 * n)])
    return total / (2 * n)


def test_pretrain_step_leaves_images_unchanged(submission):
    images = make_images(4, 12, seed=20)

    def probe(m, images):
        torch.manual_seed(4)
        enc, head = tiny_encoder_and_head()
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.1)
        m.pretrain_step(enc, head, images, opt, generator(21), 0.5)

    run_unchanged(submission, probe, images, name="images after pretrain_step")
