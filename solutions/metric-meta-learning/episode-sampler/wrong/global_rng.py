"""Mistake: the random permutations use torch's global RNG instead of the given generator, so the episode is not reproducible from the generator's seed."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    classes, counts = torch.unique(labels, return_counts=True)
    eligible = classes[counts >= k_shot + n_query]
    if eligible.numel() < n_way:
        raise ValueError("not enough eligible classes")
    chosen = eligible[torch.randperm(eligible.numel())[:n_way]]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel())[:k_shot + n_query]]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    ep = torch.arange(n_way)
    return {"classes": chosen, "support_idx": torch.cat(support), "query_idx": torch.cat(query),
            "support_labels": ep.repeat_interleave(k_shot), "query_labels": ep.repeat_interleave(n_query)}
