"""judge.testing: failure messages a learner can act on, and reproducible inputs."""

from __future__ import annotations

import pytest
import torch

from judge import testing
from judge.testing import Mismatch, assert_close


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(Mismatch, match=r"shape mismatch: got \(3, 1\), expected \(3,\)"):
        assert_close(torch.ones(3, 1), torch.ones(3))


def test_value_mismatch_gives_errors_and_first_index() -> None:
    got = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    want = torch.tensor([[1.0, 2.0], [3.5, 4.0]])
    with pytest.raises(Mismatch) as info:
        assert_close(got, want, name="loss")
    text = str(info.value)
    assert "loss: values differ: 1 of 4" in text
    assert "max abs error 0.5" in text and "max rel error 0.143" in text
    assert "first at index (1, 0): got 3, expected 3.5" in text


def test_dtype_mismatch_when_asked() -> None:
    with pytest.raises(Mismatch, match="dtype mismatch"):
        assert_close(torch.ones(2, dtype=torch.float64), torch.ones(2), check_dtype=True)
    with pytest.raises(Mismatch, match="dtype mismatch"):
        assert_close(torch.ones(2, dtype=torch.int64), torch.ones(2))
    assert_close(torch.ones(2, dtype=torch.float64), torch.ones(2))


def test_redaction_hides_expected_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(testing, "REDACT_EXPECTED", True)
    with pytest.raises(Mismatch) as info:
        assert_close(torch.tensor([1.0]), torch.tensor([1.75]))
    assert "expected" not in str(info.value) and "1.75" not in str(info.value)
    assert "got 1" in str(info.value)


def test_nan_where_a_number_was_expected() -> None:
    with pytest.raises(Mismatch, match="NaN where a number was expected"):
        assert_close(torch.tensor([float("nan")]), torch.tensor([1.0]))
    assert_close(torch.tensor([float("nan")]), torch.tensor([float("nan")]))


def test_structures_and_numbers() -> None:
    assert_close({"a": [torch.ones(2), 3.0]}, {"a": [torch.ones(2), 3.0]})
    with pytest.raises(Mismatch, match=r"result\['a'\]\[1\]"):
        assert_close({"a": [torch.ones(2), 3.5]}, {"a": [torch.ones(2), 3.0]})
    with pytest.raises(Mismatch, match="expected a tensor"):
        assert_close([1.0, 2.0], torch.ones(2))
    with pytest.raises(Mismatch, match="keys"):
        assert_close({"a": 1}, {"b": 1})


def test_builders_are_seeded() -> None:
    assert torch.equal(testing.make_logits(3, 4, seed=1), testing.make_logits(3, 4, seed=1))
    assert not torch.equal(testing.make_logits(3, 4, seed=1), testing.make_logits(3, 4, seed=2))
    labels = testing.make_labels(50, 4, seed=0)
    assert labels.dtype == torch.int64 and int(labels.max()) < 4
    ep = testing.make_episode(5, 2, 3, 8, seed=0)
    assert ep["support"].shape == (10, 8) and ep["query"].shape == (15, 8)
    assert ep["support_labels"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    x = testing.make_logits(2, 2, seed=0, requires_grad=True)
    assert x.requires_grad and x.is_leaf
