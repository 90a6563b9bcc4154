"""``daqcore dashboard --preset FILE`` as a real process on a real X server (Xvfb).

The test starts its own Xvfb on a free display, runs the command with the xcb platform and
``--screenshot`` (a capture of the screen area of the window, taken by the running dashboard)
and checks the picture shows a window with content. Skipped where Xvfb is not installed
(Debian: ``apt-get install -y xvfb libxcb-icccm4 libxcb-keysyms1``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _free_display() -> int:
    for number in range(91, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            return number
    pytest.skip("no free X display number")


@pytest.fixture
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install -y xvfb libxcb-icccm4 "
                    "libxcb-keysyms1)")
    number = _free_display()
    process = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x860x24",
                                "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.skip("Xvfb did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def test_dashboard_command_shows_a_window_on_x(xvfb: str, tmp_path: Path) -> None:
    preset = tmp_path / "bench.toml"
    preset.write_text('title = "xvfb bench"\n[saving]\nbase_path = "data"\n'
                      '[[actuators]]\ninstrument = "mock_x"\n'
                      '[[detectors]]\ninstrument = "mock_2d"\n'
                      '[[detectors]]\ninstrument = "not_installed"\n', encoding="utf-8")
    shot = tmp_path / "window.png"
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, "-m", "daqcore", "dashboard", "--preset", str(preset),
         "--screenshot", str(shot)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    if "could not load the Qt platform plugin" in result.stderr.lower():
        pytest.skip(f"Qt xcb platform unavailable here: {result.stderr.strip()[-300:]}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "screenshot saved" in result.stdout and "platform xcb" in result.stdout

    from qtpy import QtGui

    image = QtGui.QImage(str(shot))
    assert image.width() >= 800 and image.height() >= 500
    # a real capture: many distinct colours (widgets, text, the image viewer), not a blank
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20


def test_dashboard_command_survives_a_corrupt_preset(tmp_path: Path) -> None:
    preset = tmp_path / "broken.toml"
    preset.write_text("[[detectors]\ninstrument = ", encoding="utf-8")
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "daqcore", "dashboard", "--preset", str(preset),
         "--screenshot", str(shot)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "screenshot saved" in result.stdout and shot.stat().st_size > 10_000
    assert "Traceback" not in result.stderr
