"""Mistake: one shift and one flip decision are drawn for the whole batch instead of per image."""


import torch
import torch.nn as nn
import torch.nn.functional as F


class SSLModel(nn.Module):
    def __init__(self, image_size: int = 8, feature_dim: int = 32, proj_dim: int = 16) -> None:
        super().__init__()
        d = image_size * image_size
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(d, 64), nn.ReLU(), nn.Linear(64, feature_dim))
        self.head = nn.Sequential(nn.Linear(feature_dim, feature_dim), nn.ReLU(), nn.Linear(feature_dim, proj_dim))

    def features(self, x):
        return self.encoder(x)

    def forward(self, x):
        return self.head(self.encoder(x))


def augment(images, generator, max_shift=2, noise_std=0.1):
    """Per image: circular shift, then a flip with probability 1/2, then Gaussian noise."""
    n = images.shape[0]
    shifts = torch.randint(-max_shift, max_shift + 1, (1, 2), generator=generator).expand(n, 2)
    flips = (torch.rand(1, generator=generator) < 0.5).expand(n)
    h, w = images.shape[-2:]
    rows = (torch.arange(h)[None, :] - shifts[:, :1]) % h          # (n, h): source row of each row
    cols = (torch.arange(w)[None, :] - shifts[:, 1:]) % w          # (n, w)
    idx = torch.arange(n)[:, None, None]
    out = images.permute(0, 2, 3, 1)[idx, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
    out = torch.where(flips[:, None, None, None], out.flip(-1), out)
    return out + noise_std * torch.randn(out.shape, generator=generator, dtype=out.dtype)


def nt_xent(z1, z2, temperature=0.5):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], 0), dim=1)
    sim = (z @ z.t() / temperature).masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def ssl_step(model, images, optimizer, generator, temperature=0.5):
    model.train()
    v1 = augment(images, generator)
    v2 = augment(images, generator)
    loss = nt_xent(model(v1), model(v2), temperature)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
