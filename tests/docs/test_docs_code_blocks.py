"""Every ```python block of the docs and of README.md runs.

Each page's blocks run in order, in one fresh namespace (a later block may use what an
earlier one defined, as a reader would), in a temporary working directory. Blocks marked
```console, ```bash, ```text, ```toml... are not executed; neither is an illustrative fragment
marked ```python fragment (highlighted as Python, never run: use it sparingly, for code that
needs hardware or names the reader supplies).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from docs_pages import REPO, CodeBlock, code_blocks, site_pages

PAGES = [*site_pages(), REPO / "README.md"]


def _name(page: Path) -> str:
    return page.relative_to(REPO).as_posix()


def run_page(page: Path) -> dict:
    """Execute the python blocks of ``page`` in order; return the namespace."""
    namespace: dict = {"__name__": f"__docs__.{page.stem}"}
    for block in [b for b in code_blocks(page) if b.executed]:
        code = compile(block.source, f"{_name(page)}:{block.line}", "exec")
        try:
            exec(code, namespace)
        except Exception as exc:
            raise AssertionError(
                f"{_name(page)}, block at line {block.line} raised "
                f"{type(exc).__name__}: {exc}") from exc
    return namespace


def test_pages_have_executed_blocks():
    executed = [b for p in PAGES for b in code_blocks(p) if b.executed]
    assert len(executed) >= 10


def test_no_python_block_is_mislabelled():
    """A fence tagged py/python3/ipython would silently escape execution."""
    bad = [f"{_name(b.path)}:{b.line} ({b.info})" for p in PAGES for b in code_blocks(p)
           if b.language in ("py", "python3", "ipython", "Python")
           or (b.language == "python" and b.info not in ("python", "python fragment"))]
    assert not bad, f"use ```python (executed) or ```python fragment: {bad}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_page_code_runs(page: Path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = run_page(page)
    if page.name == "README.md":
        _check_readme(namespace, tmp_path, capsys.readouterr().out)


def _check_readme(namespace: dict, tmp_path: Path, out: str) -> None:
    """What README.md's snippets promise (formerly tests/test_readme_snippets.py)."""
    assert out.count("spectrum") >= 1
    mean = namespace["mean"]
    assert mean.units == "uW"
    assert mean.errors[0][0] == pytest.approx(10 / 101**0.5)
    assert (tmp_path / "spectra.h5").is_file()
    spot = namespace["spot"]
    assert spot.nav_shape == (21, 16)
    assert [ax.label for ax in spot.get_nav_axes()] == ["mock_x", "mock_y"]


def test_code_block_parser_sees_fences_in_lists(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# t\n\n1. step\n\n   ```python\n   x = 1\n   ```\n\n```python fragment\n"
                    "camera.open()\n```\n\n```console\n$ daqcore demo\n```\n")
    blocks = code_blocks(page)
    assert [(b.info, b.executed) for b in blocks] == [
        ("python", True), ("python fragment", False), ("console", False)]
    assert blocks[0].source == "x = 1\n" and isinstance(blocks[0], CodeBlock)
