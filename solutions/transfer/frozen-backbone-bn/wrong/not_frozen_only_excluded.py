"""Mistake: the backbone is "frozen" only by leaving it out of the optimizer: its parameters keep requires_grad=True, so every backward pass computes and stores gradients for them."""

import torch
import torch.nn as nn


class Backbone(nn.Module):
    """A small "pretrained" CNN feature extractor. Given: do not modify.

    Input (B, 3, H, W) -> features (B, out_dim) with out_dim = 16.
    """

    out_dim = 16

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 16, kernel_size=3, padding=1, stride=2, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)


class LinearProbe(nn.Module):
    def __init__(self, backbone: nn.Module, num_classes: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(backbone.out_dim, num_classes))
        self.train(self.training)

    def train(self, mode: bool = True) -> "LinearProbe":
        super().train(mode)
        self.backbone.eval()
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))


def make_head_optimizer(model, lr, weight_decay=0.0):
    return torch.optim.SGD(model.head.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
