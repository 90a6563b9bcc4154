"""Start-up of the command line: ``daqcore --help`` and the help of each built-in command
import none of the heavy packages (the time itself is measured by
``benchmarks/bench_plugins.py --startup-only``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "pint", "h5py", "tables", "numba", "pydantic", "tqdm", "pyleco",
         "pymodaq", "pymodaq_data", "joulescope", "daqcore.data",
         "daqcore.acquisition.scan", "daqcore.acquisition.scanners", "daqcore.instruments")
# (the built-in scanners' plugin module lives in daqcore.acquisition and is loaded with the
# plugins; it only declares parameter specs and names its factories by import string)

PROBE = """
import json, sys
from daqcore.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _imported_by(*args: str) -> list[str]:
    res = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_root_help_imports_nothing_heavy():
    assert _imported_by("--help") == []


@pytest.mark.parametrize("command", ["scan", "log", "new-plugin"])
def test_command_help_imports_nothing_heavy(command):
    assert _imported_by(command, "--help") == []


def test_root_help_lists_builtin_and_plugin_commands():
    res = subprocess.run([sys.executable, "-m", "daqcore", "--help"], capture_output=True,
                         text=True, timeout=120, check=True)
    for name in ("browse", "demo", "log", "new-plugin", "plugins", "scan"):
        assert f"\n  {name} " in res.stdout, res.stdout
