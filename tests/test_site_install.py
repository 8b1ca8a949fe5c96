"""A plain (non-editable) install of the package builds a site, with no Node.js on PATH.

The package is installed with pip into a throwaway folder (its dependencies come from this
environment), then `python -m judge --bank DIR site build` runs with only that folder on
PYTHONPATH, an empty PATH and a working directory outside the checkout: the templates, assets,
KaTeX and MiniSearch must all come from the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("site-install")

REPO = Path(__file__).resolve().parent.parent
SITE_BANK = REPO / "tests" / "fixtures" / "site_bank"
PIP_TIMEOUT_S = 300


def test_a_plain_install_builds_a_site_without_node(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "judge", source / "judge",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    target = tmp_path / "installed"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (target / "judge" / "sitegen" / "theme" / "vendor" / "katex" / "katex.min.js").is_file()

    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "PATH": str(empty_bin),
           "METAJUDGE_HOME": str(tmp_path / "home")}
    env.pop("METAJUDGE_BANK", None)
    where = subprocess.run([sys.executable, "-c", "import judge.sitegen as s; print(s.THEME_DIR)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout

    out = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "judge", "--bank", str(SITE_BANK), "site", "build", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=PIP_TIMEOUT_S, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    assert build.stdout.startswith("Built ")
    page = (out / "questions" / "distillation-loss.html").read_text(encoding="utf-8")
    assert 'class="katex"' in page and "<math" in page
    for asset in ("assets/site.css", "assets/search.js", "assets/minisearch.min.js",
                  "assets/search-index.en.js", "assets/katex/katex.min.css",
                  "assets/katex/fonts/KaTeX_Main-Regular.woff2", "assets/favicon.svg"):
        assert (out / asset).is_file(), asset
