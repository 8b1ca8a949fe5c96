"""Reference: episodic N-way K-shot sampling (Vinyals et al. 2016, arXiv:1606.04080)."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    if n_way < 1 or k_shot < 1 or n_query < 1:
        raise ValueError("n_way, k_shot and n_query must be positive")
    classes, counts = torch.unique(labels, return_counts=True)
    eligible = classes[counts >= k_shot + n_query]
    if eligible.numel() < n_way:
        raise ValueError(f"only {eligible.numel()} classes have at least {k_shot + n_query} "
                         f"examples, need {n_way}")
    chosen = eligible[torch.randperm(eligible.numel(), generator=generator)[:n_way]]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel(), generator=generator)[:k_shot + n_query]]
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
