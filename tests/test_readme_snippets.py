"""The Python snippets of README.md run as written (in a temporary directory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    exec(compile(SNIPPETS[index], f"README.md[python {index}]", "exec"), namespace)
    if index == 0:
        assert capsys.readouterr().out.count("spectrum") == 1
        mean = namespace["mean"]
        assert mean.units == "uW"
        assert mean.errors[0][0] == pytest.approx(10 / 101**0.5)
        assert (tmp_path / "spectra.h5").is_file()
    if index == 1:
        spot = namespace["spot"]
        assert spot.nav_shape == (21, 16)
        assert [ax.label for ax in spot.get_nav_axes()] == ["mock_x", "mock_y"]
