"""Reference: mean episode accuracy with a 95% confidence interval, 1.96 * s / sqrt(E) with the
sample standard deviation (E - 1), as reported in the few-shot literature (e.g. Chen et al., 2019,
arXiv:1904.04232)."""

import math

import torch


def evaluate_episodes(predictions, labels):
    if len(predictions) != len(labels):
        raise ValueError(f"predictions has {len(predictions)} episodes but labels has {len(labels)}")
    n = len(predictions)
    if n < 2:
        raise ValueError(f"need at least 2 episodes for a confidence interval, got {n}")
    accuracies = []
    for e, (pred, true) in enumerate(zip(predictions, labels, strict=True)):
        if pred.shape != true.shape:
            raise ValueError(f"episode {e}: predictions of shape {tuple(pred.shape)} but labels of "
                             f"shape {tuple(true.shape)}")
        if true.numel() == 0:
            raise ValueError(f"episode {e} has no queries")
        accuracies.append(int((pred == true).sum()) / true.numel())
    acc = torch.tensor(accuracies, dtype=torch.float64)
    mean = math.fsum(accuracies) / n
    std = math.sqrt(math.fsum((a - mean) ** 2 for a in accuracies) / (n - 1))
    return {"accuracies": acc, "mean": mean, "half_width": 1.96 * std / math.sqrt(n)}
