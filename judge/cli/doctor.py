"""`judge doctor`: which protections hold on this machine, tested, as a table."""

from __future__ import annotations

import sys

import click

from judge.cli.common import SANDBOX


@click.command()
@SANDBOX
def doctor(sandbox: str) -> None:
    """Test each protection of the sandbox on this machine and print what holds."""
    from judge.engine.doctor import diagnose
    from judge.engine.sandbox import Engine

    with Engine(sandbox) as engine:
        checks = diagnose(engine)
    width = max(len(c.name) for c in checks)
    click.echo(f"{'PROTECTION':<{width}}  {'HOLDS':<5}  WHAT WAS SEEN")
    for c in checks:
        click.echo(f"{c.name:<{width}}  {'yes' if c.holds else 'NO':<5}  {c.detail}")
    off = [c.name for c in checks if not c.holds]
    if off:
        click.echo(f"\n{len(off)} protection(s) off here: {', '.join(off)}. "
                   "See docs/security.md for what each mode defends.")
    sys.exit(0 if not off else 1)
