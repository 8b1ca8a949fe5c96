"""Mistake: the mean accuracy pools the queries of all episodes (correct / total queries), which
weights large episodes more; it equals the episode mean only when every episode has as many queries."""

import math

import torch


def evaluate_episodes(predictions, labels):
    if len(predictions) != len(labels) or len(predictions) < 2:
        raise ValueError("need two lists of the same length, with at least 2 episodes")
    for pred, true in zip(predictions, labels, strict=True):
        if pred.shape != true.shape or true.numel() == 0:
            raise ValueError("each episode needs predictions and labels of one non-empty shape")
    acc = torch.stack([(p == y).double().mean() for p, y in zip(predictions, labels, strict=True)])
    all_pred, all_true = torch.cat(list(predictions)), torch.cat(list(labels))
    pooled = (all_pred == all_true).double().mean().item()
    return {"accuracies": acc, "mean": pooled,
            "half_width": 1.96 * acc.std().item() / math.sqrt(len(acc))}
