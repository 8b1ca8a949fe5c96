"""The static site: every question and explanation, searchable and readable offline.

``build_site(bank, out)`` renders a Bank with the templates and assets in ``theme/`` (shipped
inside the package); ``serve(directory)`` serves a built site on 127.0.0.1. Neither imports click.
"""

from __future__ import annotations

from judge.sitegen.build import THEME_DIR, BuildReport, build_site
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.serve import make_server, serve

__all__ = ["THEME_DIR", "BuildReport", "SiteBuildError", "build_site", "make_server", "serve"]
