"""Render screenshots of the dashboard's main views into ``docs/images`` (offscreen Qt).

Run from the repository root::

    python docs/screenshots.py            # writes docs/images/dashboard_*.png

Everything runs on the mock plugin's simulated instruments; files go to a temporary directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IMAGES = Path(__file__).resolve().parent / "images"

PRESET = """\
title = "optics bench (simulated)"

[[actuators]]
name = "x"
instrument = "mock_x"

[[actuators]]
name = "y"
instrument = "mock_y"

[[detectors]]
name = "spot"
instrument = "mock_0d"

[[detectors]]
name = "spectrum"
instrument = "mock_1d"

[[detectors]]
name = "camera"
instrument = "mock_2d"

[[detectors]]
name = "scope"
instrument = "picoscope_5000"     # not installed: shown as unavailable
"""


def main(out: Path = IMAGES) -> list[Path]:
    """Render every view; returns the files written."""
    from daqcore.gui.app import application, create_dashboard
    from daqcore.gui.saving_options import SavingOptions

    app = application()
    work = Path(tempfile.mkdtemp(prefix="daqcore-screens-"))
    preset = work / "bench.toml"
    preset.write_text(PRESET, encoding="utf-8")
    window = create_dashboard(preset, popups=False)
    window.saving_options = SavingOptions(base_path=str(work / "data"), flush_interval=0.1)
    window.resize(1500, 1000)
    window.show()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the dashboard did not get there in time")
            app.processEvents()
            time.sleep(0.01)

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shoot(name: str, widget: object = None) -> None:
        settle()
        target = widget or window
        path = out / f"dashboard_{name}.png"
        target.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)
        print("wrote", path)

    modules = [*window.actuator_modules.values(), *window.detector_modules.values()]
    wait(lambda: all(m.status.text().startswith("initialised") for m in modules))
    wait(lambda: window.plugins_view.report is not None)

    window.tabs.setCurrentIndex(0)
    window.preset_builder.set_preset(window.preset)  # type: ignore[arg-type]
    shoot("setup")

    window.actuator_modules["x"].move_abs(1.0)
    window.actuator_modules["y"].move_abs(-0.5)
    wait(lambda: window.actuator_modules["y"].current_value == -0.5)
    for module in window.detector_modules.values():
        module.snap()
    wait(lambda: all(m.n_shown for m in window.detector_modules.values()))
    spot = window.detector_modules["spot"]
    spot.instrument.settings["exposure"] = 0.01
    spot.start_grab()
    wait(lambda: spot.n_shown > 60)
    spot.stop_grab()
    wait(lambda: not spot.is_grabbing)
    for name in ("spot", "camera"):
        window.detector_modules[name].settings_button.setChecked(False)
    window.detector_modules["camera"].viewer.viewers["mock_2d"].set_crosshair(-1.0, 0.5)
    window.tabs.setCurrentWidget(window.modules_area)
    shoot("modules")

    panel = window.scan_panel
    panel.configure(["x", "y"], ["spot", "spectrum"])
    panel.set_range("x", -3.0, 3.0, 0.25)
    panel.set_range("y", -3.0, 3.0, 0.25)
    panel.title.setText("spot raster")
    window.detector_modules["spot"].instrument.settings["exposure"] = 0.004
    window.tabs.setCurrentWidget(panel)
    panel.start()
    wait(lambda: panel.progress.value() > 330)
    shoot("scan_running")
    wait(lambda: panel.last_status == "finished", 120)
    shoot("scan_done")

    logger = window.logger_panel
    logger.detector_list.set_checked(["spot"])
    logger.interval.setValue(0.02)
    window.tabs.setCurrentWidget(logger)
    window.actuator_modules["x"].instrument.settings["speed"] = 2.0
    window.actuator_modules["x"].move_abs(-1.0)
    logger.start()
    wait(lambda: logger.n_samples > 60)
    logger.stop()
    wait(lambda: logger.last_status in ("stopped", "finished"))
    shoot("logger")

    window.open_file(panel.last_path)
    window.browser.select("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    shoot("browser_scan")
    window.open_file(logger.last_path)
    window.browser.select("/RawData/Detector000/Data0D/CH00/EnlData00")
    shoot("browser_log")

    dialog = window.open_saving_settings()
    shoot("saving_settings", dialog)
    dialog.reject()
    window.close()
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
