"""Mistake: similarities are averaged per class and then soft-maxed over classes, a prototype-style rule, instead of summing the attention weights of each class's examples."""

import torch
import torch.nn.functional as F


def matching_log_probs(support, support_labels, query, n_way):
    sim = F.normalize(query, dim=-1) @ F.normalize(support, dim=-1).t()
    onehot = F.one_hot(support_labels, n_way).to(sim.dtype)
    class_sim = (sim @ onehot) / onehot.sum(0)
    return torch.log_softmax(class_sim, dim=1)
