"""The history store, the progress derived from it, the FSRS schedule and `judge next`'s advice."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.bank.tracks import Track
from judge.errors import UsageError
from judge.model import Bank
from judge.practice import progress
from judge.practice.review import Reviewer, describe_interval
from judge.practice.store import Store, history_file, legacy_progress_file, open_store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASS = {"name": "t", "status": "pass"}
FAIL = {"name": "u", "status": "fail"}


@pytest.fixture
def mini(tmp_path: Path) -> Bank:
    return load_bank(FIXTURES / "mini")


def test_history_lives_under_metajudge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METAJUDGE_HOME", str(tmp_path / "elsewhere"))
    assert history_file() == tmp_path / "elsewhere" / "history.sqlite3"
    assert legacy_progress_file() == tmp_path / "elsewhere" / "progress.json"
    monkeypatch.delenv("METAJUDGE_HOME")
    assert history_file().name == "history.sqlite3" and "metajudge" in str(history_file())


def test_every_kind_of_event_round_trips(mini: Bank) -> None:
    with open_store(mini.root) as store:
        store.record_submission("distillation-loss", "hidden", "Wrong Answer", [PASS, FAIL],
                                "def f(): pass\n", "cli")
        store.record_submission("distillation-loss", "hidden", "Accepted", [PASS, PASS], "ok\n", "watch")
        store.record_answer("quiz-question", "B", True)
        store.record_hints("distillation-loss", 2)
        store.record_hints("distillation-loss", 1)  # already revealed: kept with its first time
        store.record_review("quiz-question", 3, "review")
        store.record_interview({"headline": "x"})
        store.set_setting("track", "basics")
    with open_store(mini.root) as store:  # a new connection reads what the first one wrote
        runs = store.submissions("distillation-loss")
        assert [(r.verdict, r.passed, r.total, r.origin) for r in runs] == [
            ("Wrong Answer", 1, 2, "cli"), ("Accepted", 2, 2, "watch")]
        assert runs[0].code == "def f(): pass\n" and runs[0].tests == [PASS, FAIL]
        assert [(a.letter, a.correct) for a in store.answers("quiz-question")] == [("B", True)]
        assert [n for n, _ in store.hints("distillation-loss")] == [1, 2]
        assert store.hinted() == {"distillation-loss": 2}
        assert [r.rating for r in store.reviews()] == [3]
        assert store.interviews()[0][1] == {"headline": "x"}
        assert store.setting("track") == "basics" and store.setting("nope") is None


def test_two_banks_never_mix(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "mini", other)
    with Store(FIXTURES / "mini") as a, Store(other) as b:
        a.record_submission("distillation-loss", "hidden", "Accepted", [PASS], "x", "cli")
        a.set_setting("track", "one")
        assert b.submissions() == [] and b.setting("track") is None
        assert len(a.submissions()) == 1


def test_an_unreadable_history_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "history.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UsageError, match="history file .* cannot be opened.*METAJUDGE_HOME"):
        Store(FIXTURES / "mini", bad)


def test_the_old_progress_json_is_imported_once(mini: Bank, tmp_path: Path) -> None:
    legacy = legacy_progress_file()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps({
        "distillation-loss": {"solved": True, "best_passed": 13, "total": 13, "attempts": 3,
                              "last_verdict": "Accepted", "last_at": "2025-01-02T03:04:05"},
        "not-in-this-bank": {"solved": False, "best_passed": 1, "total": 5}}))
    other = tmp_path / "unrelated"
    (other / "questions").mkdir(parents=True)
    with Store(other) as unrelated:  # holds none of the ids: leaves the file for another bank
        assert unrelated.migrate_legacy(set()) == 0
    with open_store(mini.root, set(mini.questions)) as store:
        runs = store.submissions()
        assert [(r.qid, r.verdict, r.passed, r.total, r.origin) for r in runs] == [
            ("distillation-loss", "Accepted", 13, 13, "progress.json")]
    with open_store(mini.root, set(mini.questions)) as store:
        assert len(store.submissions()) == 1  # not twice
    assert legacy.is_file()  # the old file is left in place


def test_standings_follow_the_done_rules(mini: Bank) -> None:
    with open_store(mini.root) as store:
        st = progress.standings(mini, store)
        assert not st["distillation-loss"].done and not st["quiz-question"].tried
        store.record_submission("distillation-loss", "public", "Accepted", [PASS], "x", "cli")
        store.record_answer("quiz-question", "A", False)
        st = progress.standings(mini, store)
        assert st["distillation-loss"].tried and not st["distillation-loss"].done  # visible only
        assert st["quiz-question"].tried and not st["quiz-question"].done
        store.record_submission("distillation-loss", "hidden", "Accepted", [PASS], "x", "cli")
        store.record_review("quiz-question", 3, "review")
        st = progress.standings(mini, store)
        assert st["distillation-loss"].done and st["quiz-question"].done
        rows = {r.topic: r for r in progress.by_topic(mini, st)}
        assert (rows["distillation"].code_done, rows["distillation"].code_total) == (1, 1)
        assert (rows["foundations"].concept_done, rows["foundations"].concept_tried) == (1, 1)


def test_next_follows_the_track_then_reviews_then_the_weakest_topic(mini: Bank) -> None:
    track = Track("t", "T", "", ("quiz-question", "distillation-loss"))
    with open_store(mini.root) as store:
        s = progress.suggest(mini, (track,), store, None)
        assert (s.qid, s.step) == ("quiz-question", 0) and s.due == []
        assert s.weakest_topic in ("distillation", "foundations") and s.weakest_qid is not None
        store.record_answer("quiz-question", "B", True)
        s = progress.suggest(mini, (track,), store, None)
        assert (s.qid, s.step) == ("distillation-loss", 1)
        assert (s.weakest_topic, s.weakest_qid) == ("distillation", "distillation-loss")
        store.record_submission("distillation-loss", "hidden", "Accepted", [PASS], "x", "cli")
        Reviewer(mini, store).after_submission("distillation-loss", True)
        s = progress.suggest(mini, (track,), store, None, datetime.now(UTC) + timedelta(days=60))
        assert s.qid is None and s.weakest_topic is None
        assert [d.qid for d in s.due] == ["distillation-loss"]


def test_fsrs_schedules_concepts_and_brings_solved_tasks_back(mini: Bank) -> None:
    t0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    with open_store(mini.root) as store:
        reviewer = Reviewer(mini, store)
        assert reviewer.new_concepts(5) == ["quiz-question"]
        again = reviewer.rate("quiz-question", 1, "review", t0)
        assert timedelta(0) < again - t0 <= timedelta(minutes=10)
        assert [d.qid for d in reviewer.due(t0 + timedelta(hours=1))] == ["quiz-question"]
        good = reviewer.rate("quiz-question", 3, "review", t0 + timedelta(hours=1))
        easy = Reviewer(mini, store).rate("quiz-question", 4, "review", good)
        assert easy - good > good - (t0 + timedelta(hours=1))  # intervals grow
        assert reviewer.new_concepts(5) == []  # it has a card now
        # a wrong verdict creates no card; an Accepted one schedules the task days ahead
        assert reviewer.after_submission("distillation-loss", False, t0) is None
        due = reviewer.after_submission("distillation-loss", True, t0)
        assert due is not None and due - t0 >= timedelta(days=1)
        assert reviewer.after_submission("distillation-loss", False, t0 + timedelta(hours=1)) is None
        # once due, the next verdict is the review: a failure brings it back soon
        later = due + timedelta(days=1)
        relearn = reviewer.after_submission("distillation-loss", False, later)
        assert relearn is not None and relearn - later < due - t0
        # the schedule persists in the store
        fresh = Reviewer(mini, store)
        assert fresh.card("distillation-loss") is not None
        assert fresh.card("distillation-loss").due == relearn  # type: ignore[union-attr]
        assert [r.origin for r in store.reviews("distillation-loss")] == ["submission"] * 2


def test_describe_interval() -> None:
    t = datetime(2025, 1, 1, tzinfo=UTC)
    assert describe_interval(t, t) == "now"
    assert describe_interval(t + timedelta(minutes=10), t) == "in 10 minutes"
    assert describe_interval(t + timedelta(hours=5), t) == "in 5 hours"
    assert describe_interval(t + timedelta(days=3), t) == "in 3 days"
