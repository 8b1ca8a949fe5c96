"""The report's charts: matplotlib figures written as SVG text, inlined in the page.

Text stays text (``svg.fonttype = none``) so the page can be searched and read by a screen
reader, and element ids are salted per chart so several inline SVGs never share an id. No chart
shows a student's name: labels are question ids and test names, which come from the bank.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from judge.errors import UsageError

# Colour-blind-safe palette (Okabe and Ito, 2008), one colour per verdict family.
VERDICT_COLOURS = {
    "Accepted": "#009E73", "Wrong Answer": "#D55E00", "Runtime Error": "#CC79A7",
    "Time Limit Exceeded": "#E69F00", "Memory Limit Exceeded": "#F0E442",
    "Output Limit Exceeded": "#56B4E9", "Compile Error": "#0072B2", "Internal Error": "#000000",
}
OTHER = "#999999"
NOT_JUDGED = {"missing": "#c8c8c8", "not judged: file refused": "#6e6e6e",
              "not judged: judge failure": "#3d3d3d", "not judged yet": "#e6e6e6"}
BAR = "#0072B2"


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("the report's charts need matplotlib, which is not installed",
                         "Install the grading extra: pip install 'metajudge[grading]'.") from None
    return matplotlib


def _svg(fig: Any, salt: str) -> str:
    mpl = _mpl()
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float) -> Any:
    _mpl()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=96)
    fig.patch.set_alpha(0)
    return fig


def _plain(text: str) -> str:
    return text.replace("$", r"\$")  # never let a label start matplotlib's math mode


def histogram(totals: Sequence[float], max_points: float) -> str:
    """How many students scored how many points."""
    fig = _figure(6.4, 2.8)
    ax = fig.add_subplot()
    bins = 10 if max_points > 0 else 1
    ax.hist(list(totals), bins=bins, range=(0, max_points or 1), color=BAR, edgecolor="white")
    ax.set_xlabel(f"total points (of {max_points:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "histogram")


def verdicts_per_question(rows: Sequence[tuple[str, dict[str, int]]]) -> str:
    """A stacked bar per question: how many students got each verdict (or no verdict)."""
    fig = _figure(6.4, 0.55 * len(rows) + 1.4)
    ax = fig.add_subplot()
    labels = [_plain(q) for q, _ in rows]
    kinds = [k for k in VERDICT_COLOURS if any(k in v for _, v in rows)]
    kinds += sorted({k for _, v in rows for k in v} - set(VERDICT_COLOURS))
    left = [0] * len(rows)
    for kind in kinds:
        counts = [v.get(kind, 0) for _, v in rows]
        colour = VERDICT_COLOURS.get(kind, NOT_JUDGED.get(kind, OTHER))
        ax.barh(labels, counts, left=left, color=colour, label=_plain(kind), edgecolor="white")
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if kinds:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(rows) < 3 else -0.15),
                  ncol=3, frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "verdicts")


def failure_rates(rows: Sequence[tuple[str, float]]) -> str:
    """The hidden tests the class fails most: the share of judged submissions failing each."""
    fig = _figure(6.4, 0.32 * len(rows) + 1.0)
    ax = fig.add_subplot()
    labels = [_plain(name) for name, _ in rows]
    ax.barh(labels, [rate * 100 for _, rate in rows], color="#D55E00")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of judged submissions failing the test")
    ax.tick_params(axis="y", labelsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "failures")
