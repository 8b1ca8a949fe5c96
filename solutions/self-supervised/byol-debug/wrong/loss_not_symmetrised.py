"""Fixes every bug but one: the loss still has one direction only (p1 against z2); p2 against
z1 is missing."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(d_in, d_hidden, d_out):
    return nn.Sequential(nn.Linear(d_in, d_hidden), nn.BatchNorm1d(d_hidden), nn.ReLU(),
                         nn.Linear(d_hidden, d_out))


class BYOL(nn.Module):
    def __init__(self, in_dim=64, hidden=64, feature_dim=32, proj_dim=16):
        super().__init__()
        self.online_encoder = mlp(in_dim, hidden, feature_dim)
        self.online_projector = mlp(feature_dim, hidden, proj_dim)
        self.predictor = mlp(proj_dim, hidden, proj_dim)
        self.target_encoder = copy.deepcopy(self.online_encoder)
        self.target_projector = copy.deepcopy(self.online_projector)

    def online_parameters(self):
        return [*self.online_encoder.parameters(), *self.online_projector.parameters(),
                *self.predictor.parameters()]

    def features(self, x):
        return self.online_encoder(x)


def regression_loss(p, z):
    p = F.normalize(p, dim=-1)
    z = F.normalize(z, dim=-1)
    return 2 - 2 * (p * z).sum(dim=-1)


def ema_update(model, tau):
    pairs = [(model.online_encoder, model.target_encoder),
             (model.online_projector, model.target_projector)]
    with torch.no_grad():
        for online, target in pairs:
            for theta, xi in zip(online.parameters(), target.parameters(), strict=True):
                xi.copy_(tau * xi + (1 - tau) * theta)


def byol_step(model, x1, x2, optimizer, tau):
    model.train()
    p1 = model.predictor(model.online_projector(model.online_encoder(x1)))
    p2 = model.predictor(model.online_projector(model.online_encoder(x2)))
    with torch.no_grad():
        z1 = model.target_projector(model.target_encoder(x1))
        z2 = model.target_projector(model.target_encoder(x2))
    loss = regression_loss(p1, z2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    ema_update(model, tau)
    return loss.item()
