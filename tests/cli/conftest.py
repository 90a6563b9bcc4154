"""Run the real ``daqcore`` command in a subprocess (``python -m daqcore``)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def daqcore(*args: str, cwd: Path | None = None, timeout: float = 60,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``daqcore ARGS`` in a fresh interpreter; stdout and stderr merged into ``.stdout``."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "daqcore", *args], cwd=cwd, env=full_env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, check=False)


@dataclass
class Outcome:
    """What a run of ``daqcore`` gave: exit code and stdout + stderr."""

    returncode: int
    stdout: str


def daqcore_in_process(*args: str, cwd: Path | None = None, **_: object) -> Outcome:
    """``daqcore ARGS`` through click's runner in this process (same code, no start-up cost);
    for the many small cases, next to a few runs of the real command."""
    from click.testing import CliRunner

    from daqcore.cli import main

    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), terminal_width=200)
    finally:
        os.chdir(previous)
    return Outcome(result.exit_code, result.output)


@pytest.fixture
def run_daqcore():
    """The :func:`daqcore` helper (a subprocess) as a fixture."""
    return daqcore


@pytest.fixture
def invoke_daqcore():
    """The :func:`daqcore_in_process` helper as a fixture."""
    return daqcore_in_process
