"""Mistake: the attention uses raw dot products instead of cosine similarities (the embeddings are not normalised)."""

import torch
import torch.nn.functional as F


def matching_log_probs(support, support_labels, query, n_way):
    attn = torch.softmax(query @ support.t(), dim=1)
    probs = attn @ F.one_hot(support_labels, n_way).to(attn.dtype)
    return torch.log(probs)
