"""Mistake: the episode labels are the original dataset class ids instead of being relabelled 0..N-1."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    classes, counts = torch.unique(labels, return_counts=True)
    eligible = classes[counts >= k_shot + n_query]
    if eligible.numel() < n_way:
        raise ValueError("not enough eligible classes")
    chosen = eligible[torch.randperm(eligible.numel(), generator=generator)[:n_way]]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel(), generator=generator)[:k_shot + n_query]]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    support_idx, query_idx = torch.cat(support), torch.cat(query)
    return {"classes": chosen, "support_idx": support_idx, "query_idx": query_idx,
            "support_labels": labels[support_idx], "query_labels": labels[query_idx]}
