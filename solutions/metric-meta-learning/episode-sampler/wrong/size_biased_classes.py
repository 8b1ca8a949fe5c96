"""Mistake: picks classes by drawing random examples and taking their classes until N distinct
eligible ones are found, so a class is chosen with probability growing with its size instead of
uniformly among the eligible classes."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    classes, counts = torch.unique(labels, return_counts=True)
    eligible = set(classes[counts >= k_shot + n_query].tolist())
    if len(eligible) < n_way:
        raise ValueError(f"only {len(eligible)} classes have at least {k_shot + n_query} examples")
    chosen: list[int] = []
    while len(chosen) < n_way:
        c = int(labels[int(torch.randint(0, labels.numel(), (1,), generator=generator))])
        if c in eligible and c not in chosen:
            chosen.append(c)
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel(), generator=generator)[:k_shot + n_query]]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    episode = torch.arange(n_way, dtype=torch.int64)
    return {
        "classes": torch.tensor(chosen, dtype=torch.int64),
        "support_idx": torch.cat(support).to(torch.int64),
        "query_idx": torch.cat(query).to(torch.int64),
        "support_labels": episode.repeat_interleave(k_shot),
        "query_labels": episode.repeat_interleave(n_query),
    }
