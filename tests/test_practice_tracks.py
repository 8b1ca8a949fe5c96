"""tracks.yaml: the bank's own file is valid, and every kind of mistake is named with its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.bank.loader import load_bank
from judge.bank.tracks import find_track, load_tracks, neighbours, tracks_problems
from judge.cli import cli
from judge.errors import UsageError, ValidationError
from judge.model import Bank

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def bank_with(tmp_path: Path, text: str | None) -> Bank:
    root = tmp_path / "bank"
    shutil.copytree(MINI, root)
    if text is not None:
        (root / "tracks.yaml").write_text(text)
    return load_bank(root)


def test_the_bundled_tracks_are_valid_and_cover_every_topic() -> None:
    bank = load_bank(ROOT)
    tracks = load_tracks(bank)
    ids = [t.id for t in tracks]
    assert ids[:2] == ["fundamentals", "interview-week"]
    assert {q.topic for q in bank} <= set(ids)  # one track per topic
    assert len(find_track(tracks, "interview-week").questions) == 35
    topic = find_track(tracks, "distillation")
    assert set(topic.questions) == {q.id for q in bank if q.topic == "distillation"}
    order = ["easy", "medium", "hard"]
    levels = [order.index(bank.questions[q].difficulty) for q in topic.questions]
    assert levels == sorted(levels)


def test_no_tracks_file_means_no_tracks(tmp_path: Path) -> None:
    bank = bank_with(tmp_path, None)
    assert load_tracks(bank) == ()
    with pytest.raises(UsageError, match="no tracks"):
        find_track((), "x")


def test_a_good_file_loads_in_order_with_neighbours(tmp_path: Path) -> None:
    bank = bank_with(tmp_path, "tracks:\n  - id: basics\n    title: Basics\n    description: First.\n"
                               "    questions: [quiz-question, distillation-loss]\n"
                               "  - id: kd\n    title: KD\n    topic: distillation\n")
    basics, kd = load_tracks(bank)
    assert basics.questions == ("quiz-question", "distillation-loss") and basics.description == "First."
    assert kd.questions == ("distillation-loss",) and kd.topic == "distillation"
    assert neighbours(basics, "quiz-question") == (None, "distillation-loss")
    assert neighbours(basics, "distillation-loss") == ("quiz-question", None)
    assert neighbours(kd, "quiz-question") == (None, None)
    with pytest.raises(UsageError, match="Did you mean 'basics'"):
        find_track((basics, kd), "basic")


def test_every_mistake_is_reported_at_once_with_line_and_fix(tmp_path: Path) -> None:
    bank = bank_with(tmp_path, """tracks:
  - id: basics
    title: Basics
    questoins: [quiz-question]
  - id: basics
    title: Again
    questions: [quiz-question, distilation-loss, quiz-question]
  - id: Bad_Id
    title: ""
    topic: distilation
  - id: both
    title: Both
    topic: distillation
    questions: [quiz-question]
extra: 1
""")
    problems, tracks = tracks_problems(bank)
    assert tracks == ()
    text = "\n".join(p.render() for p in problems)
    expected = [
        ("tracks.yaml:4: track 'basics'.questoins: unknown key 'questoins'", "Did you mean 'questions'?"),
        ("track 'basics': needs exactly one of 'questions:' and 'topic:'", ""),
        ("tracks.yaml:5: track 'basics'.id: duplicate track id 'basics'", ""),
        ("tracks.yaml:7: track 'basics'.questions[1]: unknown question id 'distilation-loss'",
         "Did you mean 'distillation-loss'?"),
        ("track 'basics'.questions[2]: 'quiz-question' appears twice", ""),
        ("track 'Bad_Id'.id: 'Bad_Id' is not a lowercase-hyphen slug", ""),
        ("tracks.yaml:9: track 'Bad_Id'.title: missing or not a non-empty string", ""),
        ("tracks.yaml:10: track 'Bad_Id'.topic: unknown topic 'distilation'", "Did you mean 'distillation'?"),
        ("track 'both': needs exactly one of", ""),
        ("tracks.yaml:15: extra: unknown key 'extra'", ""),
    ]
    for message, fix in expected:
        assert message in text, f"missing {message!r} in:\n{text}"
        assert fix in text
    with pytest.raises(ValidationError):
        load_tracks(bank)


def test_yaml_that_is_not_a_track_list(tmp_path: Path) -> None:
    for text, needle in [("tracks: [\n", "invalid YAML"), ("- a\n- b\n", "not a mapping"),
                         ("tracks: []\n", "non-empty list"), ("tracks: [3]\n", "expected a mapping")]:
        problems, _ = tracks_problems(bank_with(tmp_path / str(abs(hash(text))), text))
        assert any(needle in p.render() for p in problems), (text, problems)


def test_judge_check_validates_the_tracks(tmp_path: Path) -> None:
    bank = bank_with(tmp_path, "tracks:\n  - id: basics\n    titel: Basics\n    questions: [quiz-question]\n")
    result = CliRunner().invoke(cli, ["--bank", str(bank.root), "check"])
    assert result.exit_code == 3
    assert "tracks.yaml:3: track 'basics'.titel: unknown key 'titel'" in result.output
    assert "Did you mean 'title'?" in result.output and "Traceback" not in result.output


def test_every_tracks_key_is_documented() -> None:
    from judge.bank.tracks import TOP_KEYS, TRACK_KEYS

    guide = (ROOT / "docs/practice.md").read_text()
    for key in [*TOP_KEYS, *TRACK_KEYS]:
        assert f"| `{key}` |" in guide, f"docs/practice.md does not document the tracks key {key!r}"
    assert "METAJUDGE_HOME" in guide and "history.sqlite3" in guide
