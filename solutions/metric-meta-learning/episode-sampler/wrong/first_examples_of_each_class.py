"""Mistake: shuffles the classes but always takes the first K + Q examples of each chosen class
(in dataset order), so most examples of a large class are never used."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    classes, counts = torch.unique(labels, return_counts=True)
    eligible = classes[counts >= k_shot + n_query]
    if eligible.numel() < n_way:
        raise ValueError(f"only {eligible.numel()} classes have at least {k_shot + n_query} examples")
    chosen = eligible[torch.randperm(eligible.numel(), generator=generator)[:n_way]]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()[:k_shot + n_query]
        pick = members[torch.randperm(members.numel(), generator=generator)]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    episode = torch.arange(n_way, dtype=torch.int64)
    return {
        "classes": chosen.to(torch.int64),
        "support_idx": torch.cat(support).to(torch.int64),
        "query_idx": torch.cat(query).to(torch.int64),
        "support_labels": episode.repeat_interleave(k_shot),
        "query_labels": episode.repeat_interleave(n_query),
    }
