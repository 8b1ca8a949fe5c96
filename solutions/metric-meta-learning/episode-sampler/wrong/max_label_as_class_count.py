"""Mistake: the classes are taken as range(labels.max()), an off-by-one that assumes contiguous ids and never samples the largest class id (and ignores eligibility)."""

import torch


def sample_episode(labels, n_way, k_shot, n_query, generator):
    n_classes = int(labels.max())
    if n_classes < n_way:
        raise ValueError("not enough classes")
    chosen = torch.randperm(n_classes, generator=generator)[:n_way]
    support, query = [], []
    for c in chosen:
        members = torch.nonzero(labels == c).flatten()
        pick = members[torch.randperm(members.numel(), generator=generator)[:k_shot + n_query]]
        support.append(pick[:k_shot])
        query.append(pick[k_shot:])
    ep = torch.arange(n_way)
    return {"classes": chosen, "support_idx": torch.cat(support), "query_idx": torch.cat(query),
            "support_labels": ep.repeat_interleave(k_shot), "query_labels": ep.repeat_interleave(n_query)}
