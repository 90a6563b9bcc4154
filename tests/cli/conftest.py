"""Run the real ``daqcore`` command in a subprocess (``python -m daqcore``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def daqcore(*args: str, cwd: Path | None = None, timeout: float = 60,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``daqcore ARGS`` in a fresh interpreter; stdout and stderr merged into ``.stdout``."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "daqcore", *args], cwd=cwd, env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, check=False)


@pytest.fixture
def run_daqcore():
    """The :func:`daqcore` helper as a fixture."""
    return daqcore
