"""Reference: the fine-tuning loop with its four bugs fixed."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    """A pretrained feature extractor (self.backbone) and a task head (self.head)."""

    def __init__(self, in_dim: int = 10, hidden: int = 16, num_classes: int = 3,
                 dropout: float = 0.2) -> None:
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))


def freeze_backbone(model: Classifier) -> None:
    """Freeze the pretrained backbone: only the head is trained."""
    for p in model.backbone.parameters():
        p.requires_grad = False


def finetune(model: Classifier, x: torch.Tensor, y: torch.Tensor, epochs: int = 1,
             lr: float = 0.1, batch_size: int = 8) -> list[float]:
    """Train the head with SGD (momentum 0.9) on x, y in fixed order; return each epoch's mean batch loss."""
    freeze_backbone(model)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=lr, momentum=0.9)
    history = []
    for _ in range(epochs):
        model.train()
        model.backbone.eval()   # frozen BatchNorm: use and keep the pretrained running statistics
        running, n_batches = 0.0, 0
        for i in range(0, len(x), batch_size):
            xb, yb = x[i:i + batch_size], y[i:i + batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item()
            n_batches += 1
        history.append(running / n_batches)
    return history


def evaluate(model: Classifier, x: torch.Tensor, y: torch.Tensor,
             batch_size: int = 8) -> dict[str, float]:
    """Mean cross-entropy and accuracy of the model over all of x, y."""
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            xb, yb = x[i:i + batch_size], y[i:i + batch_size]
            logits = model(xb)
            total_loss += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
    return {"loss": total_loss / len(x), "accuracy": correct / len(x)}
