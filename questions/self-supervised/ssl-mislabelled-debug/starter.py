"""A "self-supervised pretraining" snippet, as found in the wild. It is not self-supervised.

Fix it (see the Problem): keep the augmentation helpers as they are, and make
Encoder, ProjectionHead, nt_xent and pretrain_step do real contrastive pretraining.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- augmentation helpers (keep)

def random_resized_crop(images: torch.Tensor, generator: torch.Generator,
                        min_scale: float = 0.5) -> torch.Tensor:
    """Crop a random square-ish window from each image and resize it back to (H, W)."""
    n, _, h, w = images.shape
    out = []
    for i in range(n):
        s = min_scale + (1.0 - min_scale) * torch.rand((), generator=generator).item()
        ch, cw = max(1, round(h * s)), max(1, round(w * s))
        top = int(torch.randint(0, h - ch + 1, (), generator=generator))
        left = int(torch.randint(0, w - cw + 1, (), generator=generator))
        crop = images[i:i + 1, :, top:top + ch, left:left + cw]
        out.append(F.interpolate(crop, size=(h, w), mode="bilinear", align_corners=False))
    return torch.cat(out, 0)


def random_flip(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Flip each image left-right with probability 1/2."""
    flip = torch.rand(images.shape[0], generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], images.flip(-1), images)


def jitter_and_noise(images: torch.Tensor, generator: torch.Generator,
                     strength: float = 0.2, noise_std: float = 0.05) -> torch.Tensor:
    """Scale each image's brightness by a random factor in [1-strength, 1+strength], add noise."""
    n = images.shape[0]
    scale = 1.0 + strength * (2.0 * torch.rand(n, 1, 1, 1, generator=generator) - 1.0)
    noise = noise_std * torch.randn(images.shape, generator=generator)
    return images * scale.to(images.dtype) + noise.to(images.dtype)


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One random view of every image: crop-resize, then flip, then brightness jitter + noise."""
    return jitter_and_noise(random_flip(random_resized_crop(images, generator), generator), generator)


def two_views(images: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Two independent random views of the same batch (first view drawn first)."""
    v1 = augment(images, generator)
    v2 = augment(images, generator)
    return v1, v2


# ---------------------------------------------------------------- the model

class Encoder(nn.Module):
    """Small conv encoder: images (N, C, H, W) -> features (N, feature_dim)."""

    def __init__(self, in_channels: int = 3, feature_dim: int = 32) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.fc = nn.Linear(16 * 8 * 8, feature_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


class ProjectionHead(nn.Module):
    """Maps features to the space where the loss is computed."""

    def __init__(self, feature_dim: int = 32, out_dim: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(feature_dim, feature_dim), nn.ReLU(),
                                 nn.Linear(feature_dim, out_dim))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.net(h)


# ---------------------------------------------------------------- the loss and the step

def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5) -> torch.Tensor:
    """NT-Xent loss of two batches of projections (N, D); see the Problem for the convention."""
    # TODO: the snippet never had a self-supervised loss
    raise NotImplementedError


def pretrain_step(encoder, head, images, labels, optimizer):
    """One "self-supervised" pretraining step (it is not)."""
    encoder.train()
    head.train()
    logits = head(encoder(images))
    loss = F.cross_entropy(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
