"""The results document (``--json``) and the terminal view of a judged run.

The document's core follows the Exercism test-runner interface (version 3: status pass/fail/
error, message, tests with name/status/message/output); Metajudge adds verdict, score, limits,
timings and sandbox. docs/results.md describes every field.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from judge.engine.runner import ACCEPTED, COMPILE, INTERNAL, Report
from judge.text import safe_line

SCHEMA_VERSION = 3


def to_document(report: Report) -> dict[str, Any]:
    info = report.sandbox_info
    if report.verdict == ACCEPTED:
        status = "pass"
    elif report.verdict in (COMPILE, INTERNAL):
        status = "error"
    else:
        status = "fail"
    return {
        "version": SCHEMA_VERSION,
        "status": status,
        "message": report.message or None,
        "tests": [
            {"name": t.name, "status": t.status, "message": t.message or None,
             "output": t.output or None, "verdict": t.verdict, "duration_s": round(t.duration, 4),
             "not_run": t.message.startswith("not run")}
            for t in report.tests
        ],
        "question": report.question,
        "suite": report.suite,
        "verdict": report.verdict,
        "score": {"passed": report.passed, "total": len(report.tests)},
        "limits": asdict(report.limits),
        "timings": {"total_s": round(report.seconds, 3)},
        "feedback": report.feedback,
        "sandbox": {"mode": report.sandbox, "warnings": list(report.warnings),
                    "privilege": info.privilege if info else "rootless",
                    "isolation": bool(info and info.isolation),
                    "protections_off": list(info.protections_off) if info else []},
    }


def render(report: Report, color: bool = False) -> str:
    """A verdict line, a per-test table, the score and the time.

    Messages and output come from the submission: they are printed with control characters
    escaped (judge/text.py), so they cannot move the cursor or forge lines.
    """

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    ok = report.verdict == ACCEPTED
    lines = [paint(f"{report.verdict}", "1;32" if ok else "1;31")
             + f"  {report.question} ({report.suite} tests)"]
    if report.message and not ok:
        lines.append(f"  {safe_line(report.message.splitlines()[0])[:300]}")
    if report.tests:
        width = min(max(len(t.name) for t in report.tests), 60)
        lines.append("")
        skipped = [t for t in report.tests if t.message.startswith("not run")]
        for t in report.tests:
            if t in skipped and t is not skipped[0]:
                continue
            mark = paint("PASS", "32") if t.status == "pass" else paint(
                "SKIP" if t in skipped else "FAIL" if t.status == "fail" else "ERR ", "31")
            name = t.name if len(t.name) <= width else t.name[: width - 3] + "..."
            verdict = "" if t.status == "pass" else f"  {t.verdict}"
            lines.append(f"  {mark}  {safe_line(name):<{width}}  {t.duration * 1000:7.0f} ms{verdict}")
            if t in skipped:
                more = len(skipped) - 1
                lines.append(f"        {safe_line(t.message)[:300]}"
                             + (f" ({more} more not run)" if more else ""))
                continue
            if t.message and t.status != "pass":
                for part in t.message.splitlines()[:6]:
                    lines.append(f"        {safe_line(part)[:300]}")
            if t.output and t.status != "pass":
                lines.append("        your output:")
                for part in t.output.splitlines()[:10]:
                    lines.append(f"          | {safe_line(part)[:300]}")
    lines.append("")
    where = report.sandbox_info.summary if report.sandbox_info else report.sandbox
    lines.append(f"Score {report.passed}/{len(report.tests)}   time {report.seconds:.2f} s   "
                 f"sandbox {where}")
    for w in report.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)
