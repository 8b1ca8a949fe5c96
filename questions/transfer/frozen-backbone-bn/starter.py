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
    """A frozen pretrained backbone followed by a new, trainable classification head.

    - self.backbone: the given backbone; all its parameters frozen (requires_grad=False).
    - self.head: nn.Sequential(nn.Dropout(dropout), nn.Linear(backbone.out_dim, num_classes)),
      created with PyTorch's default initialisation.
    - train(mode) must keep the backbone (and so every BatchNorm in it) in eval mode, while the
      head follows `mode` as usual; it returns self.
    """

    def __init__(self, backbone: nn.Module, num_classes: int, dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: keep the backbone, freeze its parameters, build the head
        raise NotImplementedError

    def train(self, mode: bool = True) -> "LinearProbe":
        # TODO: the head follows `mode`; the backbone stays in eval mode
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: logits of shape (B, num_classes)
        raise NotImplementedError


def make_head_optimizer(model: LinearProbe, lr: float, weight_decay: float = 0.0) -> torch.optim.Optimizer:
    """torch.optim.SGD(momentum=0.9, lr=lr, weight_decay=weight_decay) over the head's parameters only."""
    # TODO
    raise NotImplementedError
