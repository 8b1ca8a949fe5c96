"""judge.testing: the strict comparison contract, feedback levels, trusted evidence, builders."""

from __future__ import annotations

import math

import pytest
import torch

from judge import testing
from judge.testing import Mismatch, assert_close, assert_like, expect

NAN, INF = float("nan"), float("inf")


def _prop(actual: object, expected: object, **kw: object) -> str:
    with pytest.raises(Mismatch) as info:
        assert_close(actual, expected, **kw)  # type: ignore[arg-type]
    return info.value.prop


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(Mismatch, match=r"shape mismatch: got \(3, 1\), expected \(3,\)"):
        assert_close(torch.ones(3, 1), torch.ones(3))


def test_value_mismatch_gives_errors_and_first_index() -> None:
    got = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    want = torch.tensor([[1.0, 2.0], [3.5, 4.0]])
    with pytest.raises(Mismatch) as info:
        assert_close(got, want, name="loss")
    text = str(info.value)
    assert info.value.prop == "values"
    assert "loss: values differ: 1 of 4" in text
    assert "max abs error 0.5" in text and "max rel error 0.143" in text
    assert "first at index (1, 0): got 3, expected 3.5" in text


def test_dtype_is_checked_by_default() -> None:
    assert _prop(torch.ones(2, dtype=torch.float64), torch.ones(2)) == "dtype"
    assert _prop(torch.ones(2), torch.ones(2, dtype=torch.float64)) == "dtype"
    assert _prop(torch.ones(2, dtype=torch.int32), torch.ones(2, dtype=torch.int64)) == "dtype"
    assert _prop(torch.ones(2, dtype=torch.int64), torch.ones(2)) == "dtype"


def test_dtype_opt_out_needs_a_reason() -> None:
    with pytest.raises(TypeError, match="reason"):
        assert_close(torch.ones(2, dtype=torch.float64), torch.ones(2), check_dtype=False)
    with pytest.raises(TypeError, match="reason"):
        assert_close(torch.ones(2), torch.ones(2), check_shape=False, reason="  ")
    assert_close(torch.ones(2, dtype=torch.float64), torch.ones(2), check_dtype=False,
                 reason="the statement leaves the float dtype open")
    # even without the dtype check, an integer result is not a float one
    assert _prop(torch.ones(2, dtype=torch.int64), torch.ones(2), check_dtype=False,
                 reason="any float") == "dtype"


def test_shape_opt_out_compares_elements_in_order() -> None:
    assert_close(torch.ones(1), torch.tensor(1.0), check_shape=False, reason="(1,) or ()")
    assert _prop(torch.ones(2), torch.tensor(1.0), check_shape=False, reason="x") == "shape"


def test_a_number_is_not_a_tensor_unless_the_test_says_so() -> None:
    assert _prop(1.0, torch.tensor(1.0)) == "type"
    assert _prop(torch.tensor(1.0), 1.0) == "type"
    assert_close(1.0, torch.tensor(1.0), check_dtype=False, reason="a float or a 0-d tensor")
    assert_close(torch.tensor(1.0), 1.0, check_dtype=False, reason="a float or a 0-d tensor")


def test_python_numbers_follow_the_numeric_tower() -> None:
    assert_close(2, 2.0)                      # an int is acceptable where a float is expected
    assert _prop(2.0, 2) == "dtype"           # but a float is not an int
    assert _prop(True, 1) == "type"
    assert _prop(True, 1.0) == "type"
    assert _prop(1, True) == "type"


def test_nonfinite_values_fail_by_default() -> None:
    assert _prop(torch.tensor([NAN]), torch.tensor([1.0])) == "non-finite"
    assert _prop(torch.tensor([INF]), torch.tensor([1.0])) == "non-finite"
    assert _prop(NAN, 1.0) == "non-finite"
    assert _prop(INF, 1.0) == "non-finite"
    assert _prop(-INF, 1.0) == "non-finite"


def test_a_nonfinite_expected_value_needs_the_test_to_allow_it() -> None:
    with pytest.raises(ValueError, match="allow_nonfinite"):
        assert_close(torch.tensor([NAN]), torch.tensor([NAN]))
    with pytest.raises(ValueError, match="allow_nonfinite"):
        assert_close(NAN, NAN)
    with pytest.raises(ValueError, match="allow_nonfinite"):
        assert_close(5.0, INF)


def test_allowed_nonfinite_values_must_match_in_position_and_sign() -> None:
    want = torch.tensor([1.0, NAN, INF, -INF])
    assert_close(want.clone(), want, allow_nonfinite=True)
    for bad in ([1.0, 2.0, INF, -INF], [1.0, NAN, -INF, -INF], [1.0, NAN, INF, 1e30],
                [NAN, NAN, INF, -INF], [1.0, NAN, INF, INF]):
        assert _prop(torch.tensor(bad), want, allow_nonfinite=True) == "non-finite", bad
    # an expected infinity: a finite value, -inf or NaN are all wrong (inf > inf is false)
    for got in (1e308, -INF, NAN):
        assert _prop(got, INF, allow_nonfinite=True) == "non-finite", got
    assert_close(INF, INF, allow_nonfinite=True)
    assert_close(NAN, NAN, allow_nonfinite=True)
    assert _prop(2.0, 1.0, allow_nonfinite=True) == "values"


def test_redaction_hides_expected_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(testing, "REDACT_EXPECTED", True)
    with pytest.raises(Mismatch) as info:
        assert_close(torch.tensor([1.0]), torch.tensor([1.75]))
    assert "expected" not in str(info.value) and "1.75" not in str(info.value)
    assert "got 1" in str(info.value)
    with pytest.raises(Mismatch) as info:
        assert_close(1.0, 1.7512345)
    assert "1.75" not in str(info.value) and "abs error 0.75" in str(info.value)


@pytest.mark.parametrize("actual,expected,prop", [
    (torch.tensor([1.0, 2.5]), torch.tensor([1.0, 2.0]), "values"),
    (torch.ones(3), torch.ones(2), "shape"),
    (torch.ones(2, dtype=torch.float64), torch.ones(2), "dtype"),
    (torch.tensor([NAN, 1.0]), torch.tensor([3.25, 1.0]), "non-finite"),
    ({"a": 1.0}, {"b": 1.0}, "keys"),
    ([1.0], [1.0, 2.0], "length"),
    ([1.0], torch.ones(1), "type"),
    (3.5, 3.25, "values"),
])
def test_minimal_feedback_names_the_property_only(monkeypatch: pytest.MonkeyPatch, actual: object,
                                                  expected: object, prop: str) -> None:
    monkeypatch.setattr(testing, "FEEDBACK", "minimal")
    with pytest.raises(Mismatch) as info:
        assert_close(actual, expected, name="loss")
    text = str(info.value)
    assert info.value.prop == prop
    assert text == f"loss: {testing._MINIMAL[prop]}"
    assert not any(ch.isdigit() for ch in text), text  # no magnitudes, values or indices


def test_expect_honours_the_feedback_level(monkeypatch: pytest.MonkeyPatch) -> None:
    expect(True, "never raised", "detail")
    with pytest.raises(Mismatch, match=r"^mask rate: 0.31 of positions masked, 0.15 due$"):
        expect(False, "mask rate", "0.31 of positions masked, 0.15 due")
    monkeypatch.setattr(testing, "FEEDBACK", "minimal")
    with pytest.raises(Mismatch) as info:
        expect(False, "mask rate", "0.31 of positions masked, 0.15 due")
    assert str(info.value) == "mask rate: values differ"
    with pytest.raises(ValueError, match="unknown property"):
        expect(False, "x", prop="speed")


def test_structures_and_numbers() -> None:
    assert_close({"a": [torch.ones(2), 3.0]}, {"a": [torch.ones(2), 3.0]})
    with pytest.raises(Mismatch, match=r"result\['a'\]\[1\]"):
        assert_close({"a": [torch.ones(2), 3.5]}, {"a": [torch.ones(2), 3.0]})
    with pytest.raises(Mismatch, match="expected a tensor"):
        assert_close([1.0, 2.0], torch.ones(2))
    with pytest.raises(Mismatch, match="keys"):
        assert_close({"a": 1}, {"b": 1})
    assert _prop("abc", [1, 2, 3]) == "type"
    assert _prop(None, 0.0) == "type"
    assert _prop(0.0, None) == "type"


def test_assert_like_checks_structure_dtype_shape_and_finiteness() -> None:
    template = {"w": torch.zeros(2, 3), "n": torch.zeros((), dtype=torch.int64)}
    assert_like({"w": torch.randn(2, 3), "n": torch.tensor(5)}, template)
    cases = [({"w": torch.randn(2, 3)}, "keys"),
             ({"w": torch.randn(3, 2), "n": torch.tensor(5)}, "shape"),
             ({"w": torch.randn(2, 3).double(), "n": torch.tensor(5)}, "dtype"),
             ({"w": torch.full((2, 3), NAN), "n": torch.tensor(5)}, "non-finite"),
             ({"w": [0.0] * 6, "n": torch.tensor(5)}, "type")]
    for value, prop in cases:
        with pytest.raises(Mismatch) as info:
            assert_like(value, template)
        assert info.value.prop == prop
    with pytest.raises(Mismatch):
        assert_like([1.0, INF], [0.0, 0.0])


def test_binomial_tail_is_exact() -> None:
    # X ~ Binomial(4, 1/2): P(X < 1) + P(X > 3) = 2/16
    assert math.isclose(testing.binomial_tail(4, 0.5, 1, 3), 2 / 16)
    assert testing.binomial_tail(10, 0.3, 0, 10) == 0.0
    lo, hi = testing.binomial_bounds(600, 1 / 3, 1e-8)
    assert lo < 200 < hi
    assert testing.binomial_tail(600, 1 / 3, lo, hi) <= 1e-8
    # the interval is as narrow as the bound allows: one step in fails it
    assert testing.binomial_tail(600, 1 / 3, lo + 1, hi) > 5e-9
    assert testing.binomial_tail(600, 1 / 3, lo, hi - 1) > 5e-9


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


class _Local:
    """A stand-in for the ``reference`` fixture: runs probes in this process on copies, as the
    sandbox would."""

    def __init__(self, **functions: object) -> None:
        self.functions = functions

    def run(self, probe):  # type: ignore[no-untyped-def]
        import copy

        return copy.deepcopy(probe(type("M", (), self.functions)))


def test_run_unchanged_compares_with_a_trusted_snapshot() -> None:
    def scale(x: torch.Tensor) -> torch.Tensor:
        return x * 2

    def scale_in_place(x: torch.Tensor) -> torch.Tensor:
        return x.mul_(2)

    x = torch.arange(3.0)
    out = testing.call_unchanged(_Local(f=staticmethod(scale)), "f", x)
    assert torch.equal(out, torch.tensor([0.0, 2.0, 4.0]))
    with pytest.raises(Mismatch, match="inputs after the call"):
        testing.call_unchanged(_Local(f=staticmethod(scale_in_place)), "f", torch.arange(3.0))


def test_load_state_checks_before_loading() -> None:
    model = torch.nn.Linear(2, 1)
    good = {k: torch.ones_like(v) for k, v in model.state_dict().items()}
    testing.load_state(model, good)
    assert torch.equal(model.weight.detach(), torch.ones(1, 2))
    with pytest.raises(Mismatch, match="learned parameters"):
        testing.load_state(torch.nn.Linear(2, 1), {"weight": torch.ones(1, 2)})
    with pytest.raises(Mismatch):
        testing.load_state(torch.nn.Linear(2, 1), {**good, "bias": torch.tensor([NAN])})
    assert testing.state_of(model).keys() == {"weight", "bias"}
