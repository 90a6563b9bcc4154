"""The ``daqcore`` root command: --version, --help and the demo, in-process and as a script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import daqcore
from daqcore.cli import main


def test_version_and_help():
    runner = CliRunner()
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and daqcore.__version__ in version.output
    helped = runner.invoke(main, ["--help"])
    assert helped.exit_code == 0 and "demo" in helped.output
    assert runner.invoke(main, ["-h"]).exit_code == 0


def test_demo_runs_in_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the demo may write files into the working directory
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("daqcore")
    if script.exists():
        return [str(script)]
    found = shutil.which("daqcore")
    return [found] if found else [sys.executable, "-m", "daqcore"]


@pytest.mark.slow
def test_console_script_version_help_and_demo(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    version = subprocess.run([*_console_script(), "--version"], capture_output=True, text=True,
                             timeout=120, env=env, check=False)
    assert version.returncode == 0, version.stderr
    assert daqcore.__version__ in version.stdout
    helped = subprocess.run([*_console_script(), "--help"], capture_output=True, text=True,
                            timeout=120, env=env, check=False)
    assert helped.returncode == 0 and "demo" in helped.stdout, helped.stderr
    demo = subprocess.run([*_console_script(), "demo"], capture_output=True, text=True,
                          timeout=300, env=env, check=False, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.strip()
