"""Mistake: support and query are drawn by two independent permutations, so an image can be both a support and a query example."""

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
        support.append(members[torch.randperm(members.numel(), generator=generator)[:k_shot]])
        query.append(members[torch.randperm(members.numel(), generator=generator)[:n_query]])
    ep = torch.arange(n_way)
    return {"classes": chosen, "support_idx": torch.cat(support), "query_idx": torch.cat(query),
            "support_labels": ep.repeat_interleave(k_shot), "query_labels": ep.repeat_interleave(n_query)}
