"""Mistake: classes are chosen among all classes, including those with fewer than k_shot + n_query examples, which then yield short episodes."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    classes = torch.unique(labels)
    if classes.numel() < n_way:
        raise ValueError("not enough classes")
    chosen = classes[torch.randperm(classes.numel(), generator=generator)[:n_way]]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel(), generator=generator)[:k_shot + n_query]]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    ep = torch.arange(n_way)
    return {"classes": chosen, "support_idx": torch.cat(support), "query_idx": torch.cat(query),
            "support_labels": ep.repeat_interleave(k_shot), "query_labels": ep.repeat_interleave(n_query)}
