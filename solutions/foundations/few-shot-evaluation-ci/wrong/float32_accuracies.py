"""Mistake: the episode accuracies are computed and returned as float32 (.float()), where the
statement asks for a float64 tensor."""

import math

import torch


def evaluate_episodes(predictions, labels):
    if len(predictions) != len(labels) or len(predictions) < 2:
        raise ValueError("need two lists of the same length, with at least 2 episodes")
    accs = []
    for pred, true in zip(predictions, labels, strict=True):
        if pred.shape != true.shape or true.numel() == 0:
            raise ValueError("each episode needs predictions and labels of one non-empty shape")
        accs.append((pred == true).float().mean())
    acc = torch.stack(accs)
    return {"accuracies": acc, "mean": acc.mean().item(),
            "half_width": 1.96 * acc.std().item() / math.sqrt(len(acc))}
