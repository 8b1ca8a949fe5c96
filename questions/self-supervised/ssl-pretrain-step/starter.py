import torch
import torch.nn as nn
import torch.nn.functional as F


class SSLModel(nn.Module):
    """The fixed model of this task (do not change it): an MLP encoder and a projection head."""

    def __init__(self, image_size: int = 8, feature_dim: int = 32, proj_dim: int = 16) -> None:
        super().__init__()
        d = image_size * image_size
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(d, 64), nn.ReLU(),
                                     nn.Linear(64, feature_dim))
        self.head = nn.Sequential(nn.Linear(feature_dim, feature_dim), nn.ReLU(),
                                  nn.Linear(feature_dim, proj_dim))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder features (N, feature_dim): what downstream tasks use."""
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Projections (N, proj_dim): what the loss uses."""
        return self.head(self.encoder(x))


def augment(images: torch.Tensor, generator: torch.Generator, max_shift: int = 2,
            noise_std: float = 0.1) -> torch.Tensor:
    """One random view of each image in (N, 1, H, W): see the Problem for the three steps."""
    # TODO: per image, a circular shift by (dy, dx), each uniform in {-max_shift..max_shift}
    # TODO: per image, a left-right flip with probability 1/2
    # TODO: add N(0, noise_std^2) noise; draw all randomness from `generator`
    raise NotImplementedError


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5) -> torch.Tensor:
    """NT-Xent over 2N anchors (see the Problem); a scalar tensor."""
    raise NotImplementedError


def ssl_step(model: SSLModel, images: torch.Tensor, optimizer: torch.optim.Optimizer,
             generator: torch.Generator, temperature: float = 0.5) -> float:
    """One contrastive pretraining step on unlabelled images; returns the loss as a float."""
    # TODO: two views (call augment twice), projections, loss, optimiser step
    raise NotImplementedError
