"""Visible examples: read them, run them with `judge test mae-random-masking FILE`."""

import torch

from judge.testing import assert_close, generator


def test_masking_example_is_consistent(submission):
    x = torch.arange(6.0).reshape(1, 6, 1)

    def probe(m):
        return m.random_masking(x, 0.5, generator(0))

    x_kept, mask, ids_restore = submission.run(probe)
    assert tuple(x_kept.shape) == (1, 3, 1), "K = int(6 * 0.5) = 3 tokens are kept"
    assert ids_restore.dtype == torch.int64, "ids_restore is an int64 tensor"
    assert sorted(ids_restore[0].tolist()) == list(range(6)), "ids_restore is a permutation"
    kept = mask[0] == 0
    assert int(kept.sum()) == 3, "the mask has three 0s (kept) and three 1s (removed)"
    assert bool((ids_restore[0][kept] < 3).all()), "ids_restore is < K exactly at kept positions"
    assert_close(x_kept[0, ids_restore[0][kept], 0], x[0, kept, 0],
                 name="kept tokens found through ids_restore")


def test_loss_example(submission):
    pred = torch.tensor([[[1.0, 1.0], [0.0, 0.0]]])
    target = torch.tensor([[[0.0, 0.0], [0.0, 2.0]]])
    mask = torch.tensor([[0.0, 1.0]])
    assert_close(submission.mae_loss(pred, target, mask), torch.tensor(2.0),
                 name="loss on the removed patch only")
    assert_close(submission.mae_loss(pred, target, mask, norm_pix_loss=True),
                 torch.tensor(1.0 / (2.0 + 1e-6)), name="loss with per-patch normalised targets")
