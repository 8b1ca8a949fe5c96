"""Serve a built site on a local address only; for convenience, since it also works from disk."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from judge.errors import UsageError
from judge.sitegen.errors import SiteBuildError


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A threaded HTTP server for ``directory``; port 0 picks a free port (see server_address)."""
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        raise SiteBuildError(f"no built site in {directory} (index.html is missing)",
                             "Run `judge site build --out DIR` first, then serve DIR.")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:  # a busy or forbidden port is a bad argument, not bad bank content
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                         "Pick another port with --port, or stop what is using it.") from exc


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``directory`` until interrupted (Ctrl-C)."""
    server = make_server(directory, host, port)
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host!s}:{bound_port}/"
    print(f"Serving {directory} at {url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
