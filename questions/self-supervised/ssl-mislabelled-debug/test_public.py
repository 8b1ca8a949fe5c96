"""Visible examples for ssl-mislabelled-debug."""

import math

import torch
import torch.nn.functional as F

from judge.testing import assert_close, generator


def make_images(n, size, seed, k=4):
    """n images of shape (3, size, size): k smooth random prototypes plus noise."""
    g = generator(seed)
    protos = F.interpolate(torch.randn(k, 3, 4, 4, generator=g), size=(size, size),
                           mode="bilinear", align_corners=False)
    return protos[torch.arange(n) % k] + 0.3 * torch.randn(n, 3, size, size, generator=g)


def test_worked_example(submission):
    z = torch.eye(2)
    assert_close(submission.nt_xent(z, z.clone(), 1.0), torch.tensor(math.log(1 + 2 / math.e)),
                 name="NT-Xent of the worked example")


def test_encoder_accepts_48x48(submission):
    def probe(m):
        torch.manual_seed(0)
        enc = m.Encoder(3, 32)
        return list(enc(make_images(2, 48, seed=1)).shape)

    assert submission.run(probe) == [2, 32], "Encoder(3, 32) on 48x48 images should give (2, 32)"


def test_one_step_matches_reference(submission, reference):
    def probe(m):
        torch.manual_seed(0)
        enc = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                                  torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                                  torch.nn.Linear(4, 8))
        head = torch.nn.Linear(8, 6)
        opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.1)
        return m.pretrain_step(enc, head, make_images(6, 12, seed=2), opt, generator(3), 0.5)

    assert_close(submission.run(probe), reference.run(probe), name="loss of one pretrain_step")
