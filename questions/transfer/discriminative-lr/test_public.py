"""Visible examples for discriminative-lr."""

from judge.testing import assert_close


def test_worked_example_lrs(submission):
    assert_close(submission.layer_lrs(3, 0.01), [0.01 / 2.6 ** 2, 0.01 / 2.6, 0.01],
                 name="lrs of 3 groups, bottom to top, top lr 0.01 (0.00147929, 0.00384615, 0.01)")


def test_worked_example_unfreezing(submission):
    got = [submission.trainable_groups(e, 3) for e in range(4)]
    assert got == [[2], [1, 2], [0, 1, 2], [0, 1, 2]], f"trainable groups per epoch: got {got}"
