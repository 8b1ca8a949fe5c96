import torch


def sample_episode(labels: torch.Tensor, n_way: int, k_shot: int, n_query: int,
                   generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Sample one N-way K-shot episode from a labelled dataset.

    labels: int64 (num_examples,) class id of every example (ids need not be contiguous).
    A class is eligible when it has at least k_shot + n_query examples; raise ValueError when
    fewer than n_way classes are eligible. All randomness must come from `generator`.

    Returns a dict of int64 tensors:
      "classes"        (n_way,)          the chosen original class ids, all distinct
      "support_idx"    (n_way * k_shot,)  dataset indices of the support examples
      "query_idx"      (n_way * n_query,) dataset indices of the query examples
      "support_labels" (n_way * k_shot,)  episode labels in 0..n_way-1
      "query_labels"   (n_way * n_query,) episode labels in 0..n_way-1
    with labels[support_idx] == classes[support_labels] (same for query), and no dataset index
    used twice in the episode.
    """
    # TODO: find the eligible classes (enough examples) and check there are at least n_way
    # TODO: choose n_way distinct classes with the generator
    # TODO: per class, choose k_shot + n_query distinct examples and split them
    # TODO: relabel the chosen classes 0..n_way-1
    raise NotImplementedError
