"""The static site: build and serve."""

from __future__ import annotations

from pathlib import Path

import click

from judge.cli.common import bank_of


@click.group()
def site() -> None:
    """Build or serve the static site."""


@site.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("_site"),
              show_default=True, help="Output folder.")
@click.pass_context
def site_build(ctx: click.Context, out: Path) -> None:
    """Render the whole bank into a static site."""
    from judge.sitegen import build_site

    report = build_site(bank_of(ctx), out)
    click.echo(f"Built {report.pages} pages into {out} in {report.seconds:.2f} s. "
               f"Open {out / 'index.html'}")


@site.command("serve")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("_site"), show_default=True, help="The built site to serve.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
def site_serve(directory: Path, port: int) -> None:
    """Serve a built site on 127.0.0.1 until Ctrl-C."""
    from judge.sitegen import make_server

    if not (directory / "index.html").is_file():
        raise click.UsageError(f"{directory} has no index.html; run `judge site build` first")
    server = make_server(directory, port=port)  # a busy port is a UsageError (exit 2)
    host, bound = server.server_address[:2]
    click.echo(f"Serving {directory} at http://{host!s}:{bound}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
