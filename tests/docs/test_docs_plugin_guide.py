"""The quick start of the plugin author guide (docs/plugins.md) works as written.

The commands of its first ```console block run one by one in a temporary directory, as a
user would type them, with two adaptations to the test environment: ``pip install -e DIR``
installs into a private ``--target`` directory put on ``PYTHONPATH`` (the test venv is left
untouched; no index, no build isolation, so nothing is downloaded), and ``daqcore`` is run as
``python -m daqcore`` of this interpreter. Any other command in the block fails the test:
change the guide and this test together.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from docs_pages import DOCS, code_blocks

GUIDE = DOCS / "plugins.md"


def quick_start_commands() -> list[str]:
    block = next(b for b in code_blocks(GUIDE) if b.language == "console")
    lines = [line.split("#", 1)[0].strip() for line in block.source.splitlines()]
    return [line for line in lines if line]


def test_quick_start_block_is_the_expected_sequence():
    commands = quick_start_commands()
    assert commands[0].startswith("daqcore new-plugin ")
    assert any(c.startswith("pip install -e ") for c in commands)
    assert any(c.startswith("daqcore plugins check ") for c in commands)


@pytest.mark.slow
def test_quick_start_commands_work(tmp_path):
    site = tmp_path / "site"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env.pop("DAQCORE_DISABLE_PLUGINS", None)
    env["DAQCORE_STRICT_PLUGINS"] = "1"  # a failure of the new plugin is an error
    outputs: dict[str, str] = {}
    for command in quick_start_commands():
        cwd, words = tmp_path, shlex.split(command)
        if words[0] == "cd":  # "cd DIR && cmd"
            assert words[2] == "&&", command
            cwd, words = tmp_path / words[1], words[3:]
        if words[0] == "daqcore":
            argv = [sys.executable, "-m", "daqcore", *words[1:]]
        elif words[:3] == ["pip", "install", "-e"]:
            argv = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "--target", str(site), str(cwd / words[3])]
        elif words[0] == "pytest":
            argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *words[1:]]
        else:
            pytest.fail(f"the guide's quick start has a command this test does not know: "
                        f"{command!r}")
        result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs[command] = result.stdout
    listing = next(out for cmd, out in outputs.items() if cmd == "daqcore plugins")
    assert "my_camera" in listing and "my_camera_detector" in listing
    check = next(out for cmd, out in outputs.items() if cmd.startswith("daqcore plugins check"))
    assert "PASS my_camera_detector" in check and "PASS my_camera_actuator" in check
    tests = next(out for cmd, out in outputs.items() if cmd.endswith("pytest"))
    assert " passed" in tests and "failed" not in tests
