#!/usr/bin/env python
"""Benchmark: the dashboard's live 1D display while a scan runs, and its start-up time.

What is measured (offscreen Qt, this process unless said otherwise):

* ``live_1d_during_scan``: the dashboard with a ``mock_1d`` detector of 4000 points grabbing
  continuously in its module (live thread -> LatestValue -> Viewer1D.setData) while the scan
  panel runs a scan of ``mock_x`` with ``mock_0d`` (engine thread, saving every point). Reports
  frames drawn per second by the 1D viewer, grabs per second (the viewer shows the newest
  data, older undrawn frames are dropped, never queued), scan points per second and the
  longest gap between two event-loop passes (how responsive the window stayed).
  Both detectors have no simulated exposure: two threads grab in tight Python loops, the
  worst case for the GUI thread (they compete for the GIL on a 2-core machine).
* ``live_1d_during_scan_5ms_exposure``: the same with a 5 ms exposure on both detectors (the
  acquisition threads wait like real hardware does).
* ``live_1d_alone``: the same live display without a scan.
* ``peer_pyqtgraph``: the ceiling -- a bare pyqtgraph PlotDataItem.setData + repaint loop with
  4000 points (as measured in shared/reference/gui_notes.md).
* ``peer_pymodaq_viewer1d``: pymodaq_gui's ``Viewer1D.show_data`` with a 4000-point
  DataWithAxes + processEvents (PyMoDAQ's live viewer), when pymodaq_gui is installed.
* ``startup``: wall time of ``python -m daqcore dashboard --preset FILE --quit-after 0`` (a new
  process: imports, plugin discovery, window shown, quit), and in-process time to build the
  window and load the preset.

Prints ONE JSON document on stdout. Usage: ``python benchmarks/bench_gui.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

PRESET = """\
[[actuators]]
name = "x"
instrument = "mock_x"

[[detectors]]
name = "point"
instrument = "mock_0d"

[[detectors]]
name = "spectrum"
instrument = "mock_1d"
[detectors.settings]
npoints = 4000
"""


def _spin(app, condition, timeout: float) -> float:  # type: ignore[no-untyped-def]
    """Process events until ``condition()``; returns the longest gap between two passes."""
    deadline = time.perf_counter() + timeout
    last = time.perf_counter()
    worst = 0.0
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not reached")
        app.processEvents()
        now = time.perf_counter()
        worst = max(worst, now - last)
        last = now
    return worst


def bench_live(tmp: Path, seconds: float, with_scan: bool, exposure: float = 0.0) -> dict:
    from daqcore.gui.app import application, create_dashboard
    from daqcore.gui.saving_options import SavingOptions

    app = application()
    preset = tmp / "bench.toml"
    preset.write_text(PRESET, encoding="utf-8")
    window = create_dashboard(preset, popups=False)
    window.saving_options = SavingOptions(base_path=str(tmp / f"data_{with_scan}"))
    window.show()
    modules = [*window.actuator_modules.values(), *window.detector_modules.values()]
    _spin(app, lambda: all(m.status.text().startswith("initialised") for m in modules), 30)
    spectrum = window.detector_modules["spectrum"]
    spectrum.instrument.settings["exposure"] = exposure
    window.detector_modules["point"].instrument.settings["exposure"] = exposure
    spectrum.snap()
    _spin(app, lambda: spectrum.n_shown > 0, 30)
    viewer = spectrum.viewer.viewers["mock_1d"]
    panel = window.scan_panel
    if with_scan:
        panel.configure(["x"], ["point"])
        panel.set_range("x", -5.0, 5.0, 0.0005)  # far more points than the run lasts
        assert panel.start(), panel.status.text()
        _spin(app, lambda: panel.progress.value() > 0, 30)
    spectrum.start_grab()
    _spin(app, lambda: spectrum.n_shown > 3, 30)
    updates0, grabs0 = viewer.n_updates, spectrum._latest.n_set
    points0 = panel.progress.value()
    t0 = time.perf_counter()
    worst = _spin(app, lambda: time.perf_counter() - t0 >= seconds, seconds + 30)
    elapsed = time.perf_counter() - t0
    frames = viewer.n_updates - updates0
    grabs = spectrum._latest.n_set - grabs0
    points = panel.progress.value() - points0
    size = viewer.curves[0].getData()[1].size
    spectrum.stop_grab()
    if with_scan:
        panel.stop()
        _spin(app, lambda: panel.last_status in ("stopped", "finished", "failed"), 30)
    window.close()
    app.processEvents()
    out = {"curve_points": int(size), "exposure_s": exposure, "seconds": round(elapsed, 3),
           "frames_per_s": round(frames / elapsed, 1),
           "grabs_per_s": round(grabs / elapsed, 1),
           "longest_event_loop_gap_ms": round(worst * 1000, 1)}
    if with_scan:
        out["scan_points_per_s"] = round(points / elapsed, 1)
    return out


def bench_pyqtgraph(seconds: float) -> dict:
    import pyqtgraph as pg

    app = pg.mkQApp()
    widget = pg.PlotWidget()
    widget.setDownsampling(auto=True, mode="peak")
    widget.setClipToView(True)
    curve = widget.plot()
    widget.resize(700, 400)
    widget.show()
    x = np.linspace(500.0, 600.0, 4000)
    data = [np.random.default_rng(k).normal(size=4000) for k in range(8)]
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        curve.setData(x, data[n % 8])
        widget.repaint()
        app.processEvents()
        n += 1
    elapsed = time.perf_counter() - t0
    widget.close()
    return {"curve_points": 4000, "frames_per_s": round(n / elapsed, 1)}


def bench_pymodaq_viewer(seconds: float, tmp: Path) -> dict:
    os.environ["HOME"] = str(tmp)  # pymodaq_utils writes its config files at import
    try:
        from pymodaq_data.data import Axis, DataRaw
        from pymodaq_gui.plotting.data_viewers.viewer1D import Viewer1D
    except Exception as exc:  # not installed, or its import failed here
        return {"skipped": f"{type(exc).__name__}: {exc}"}
    import pyqtgraph as pg

    app = pg.mkQApp()
    widget = pg.QtWidgets.QWidget()
    viewer = Viewer1D(widget)
    widget.resize(700, 400)
    widget.show()
    x = np.linspace(500.0, 600.0, 4000)
    frames = [DataRaw("spectrum", units="V", data=[np.random.default_rng(k).normal(size=4000)],
                      axes=[Axis("wavelength", units="nm", data=x, index=0)])
              for k in range(8)]
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        viewer.show_data(frames[n % 8])
        app.processEvents()
        n += 1
    elapsed = time.perf_counter() - t0
    widget.close()
    import pymodaq_gui

    return {"curve_points": 4000, "frames_per_s": round(n / elapsed, 1),
            "version": getattr(pymodaq_gui, "__version__", "?")}


def bench_startup(tmp: Path, repeat: int) -> dict:
    preset = tmp / "startup.toml"
    preset.write_text(PRESET, encoding="utf-8")
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "daqcore", "dashboard", "--preset",
                                 str(preset), "--quit-after", "0"], cwd=tmp,
                                capture_output=True, text=True, timeout=120, check=False)
        walls.append(time.perf_counter() - t0)
        if result.returncode != 0:
            return {"error": result.stderr[-1000:]}
    t0 = time.perf_counter()
    from daqcore.gui.app import application, create_dashboard

    application()
    window = create_dashboard(preset, popups=False)
    window.show()
    build = time.perf_counter() - t0
    window.close()
    return {"process_to_window_and_quit_s": round(statistics.median(walls), 3),
            "runs": repeat, "in_process_build_s": round(build, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (CI smoke)")
    args = parser.parse_args()
    seconds = 1.5 if args.quick else 5.0
    tmp = Path(tempfile.mkdtemp(prefix="daqcore-bench-gui-"))
    import qtpy

    result = {
        "benchmark": "gui",
        "quick": args.quick,
        "qt": f"{qtpy.API_NAME} {qtpy.QT_VERSION}",
        "platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "startup": bench_startup(tmp, 1 if args.quick else 3),
        "live_1d_alone": bench_live(tmp, seconds, with_scan=False),
        "live_1d_during_scan": bench_live(tmp, seconds, with_scan=True),
        "live_1d_during_scan_5ms_exposure": bench_live(tmp, seconds, with_scan=True,
                                                       exposure=0.005),
        "peer_pyqtgraph": bench_pyqtgraph(seconds),
        "peer_pymodaq_viewer1d": bench_pymodaq_viewer(seconds, tmp),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
