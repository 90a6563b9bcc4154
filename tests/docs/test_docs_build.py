"""The documentation site builds with warnings as errors, and no page is left out of it.

The build is the one a developer runs (``python -m sphinx -W --keep-going -n -b html docs
docs/_build/html``), into a temporary directory, with no cache (``-E``, fresh doctrees).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from docs_pages import DOCS, docname, site_pages, toctree_entries


def test_every_page_is_in_a_toctree():
    """A page that is in no toctree is unreachable: add it to index.md (one line)."""
    listed = set()
    for page in site_pages():
        listed.update(toctree_entries(page))
    orphans = [docname(p) for p in site_pages() if docname(p) not in listed | {"index"}]
    assert not orphans, (
        f"pages in no toctree: {orphans}; add each as one line to a toctree of docs/index.md")
    missing = sorted(listed - {docname(p) for p in site_pages()} - {"api/*"})
    assert not missing, f"toctree entries without a page: {missing}"


def test_api_modules_exist():
    """Every module of the API reference imports (a typo would only show in the build)."""
    namespace: dict = {"__file__": str(DOCS / "conf.py")}
    exec(compile((DOCS / "conf.py").read_text(), str(DOCS / "conf.py"), "exec"), namespace)
    modules = namespace["api_modules"]
    assert "daqcore.data" in modules and len(modules) == len(set(modules))
    import importlib

    for module in modules:
        importlib.import_module(module)


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-E", "-j", "1", "-q",
         "-b", "html", "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=600)
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or
                "ERROR" in line]
    assert result.returncode == 0 and not warnings, "\n".join(warnings) or result.stderr
    for page in site_pages():
        assert (out / f"{docname(page)}.html").is_file(), docname(page)
    api = (out / "api" / "daqcore.data.html").read_text(encoding="utf-8")
    assert 'id="daqcore.data.DataWithAxes"' in api and 'id="daqcore.data.Axis.units_as"' in api
    cli = (out / "api" / "cli.html").read_text(encoding="utf-8")
    assert "Usage: daqcore scan [OPTIONS]" in cli and "--naverage" in cli
