"""Mistake: the standard deviation divides by E (NumPy's default ddof=0, as in much released
few-shot code) instead of E - 1, so the interval is too narrow by sqrt((E - 1) / E)."""

import math

import torch


def evaluate_episodes(predictions, labels):
    if len(predictions) != len(labels) or len(predictions) < 2:
        raise ValueError("need two lists of the same length, with at least 2 episodes")
    accs = []
    for pred, true in zip(predictions, labels, strict=True):
        if pred.shape != true.shape or true.numel() == 0:
            raise ValueError("each episode needs predictions and labels of one non-empty shape")
        accs.append((pred == true).double().mean())
    acc = torch.stack(accs)
    return {"accuracies": acc, "mean": acc.mean().item(),
            "half_width": 1.96 * acc.std(correction=0).item() / math.sqrt(len(acc))}
