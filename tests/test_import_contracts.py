"""The import-linter contracts of pyproject.toml hold: layers, Qt only in gui, vendor SDKs lazy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept():
    script = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(script), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
