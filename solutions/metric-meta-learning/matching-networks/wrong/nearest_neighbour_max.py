"""Mistake: each class is scored by its single most similar support example (max) instead of summing the attention over all its examples."""

import torch
import torch.nn.functional as F


def matching_log_probs(support, support_labels, query, n_way):
    sim = F.normalize(query, dim=-1) @ F.normalize(support, dim=-1).t()
    onehot = F.one_hot(support_labels, n_way).to(torch.bool)
    class_sim = sim[:, :, None].masked_fill(~onehot[None], float("-inf")).amax(dim=1)
    return torch.log_softmax(class_sim, dim=1)
