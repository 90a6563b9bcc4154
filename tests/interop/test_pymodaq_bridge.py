"""daqcore instruments inside PyMoDAQ: the Qt-free adapters, and the generated plugin package
discovered and driven by PyMoDAQ itself (in a subprocess, offscreen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from daqcore.instruments import Setting
from daqcore.interop.pymodaq.adapter import (
    ActuatorAdapter,
    BridgeError,
    DetectorAdapter,
    setting_to_param,
    viewer_type,
)
from daqcore.interop.pymodaq.package import PACKAGE, write_bridge_package
from daqcore.plugins import get_registry

pytest.importorskip("pymodaq_data")


def test_settings_become_pymodaq_parameter_dicts():
    group = Setting("acq", "group", children=[
        Setting("exposure", "float", 0.5, limits=(0.0, 10.0), units="s", tip="integration"),
        Setting("mode", "list", "fast", choices=("fast", "slow")),
        Setting("serial", "str", "A1", readonly=True),
    ])
    assert setting_to_param(group) == {
        "title": "acq", "name": "acq", "type": "group", "children": [
            {"title": "exposure", "name": "exposure", "type": "float", "value": 0.5,
             "min": 0.0, "max": 10.0, "suffix": "s", "tip": "integration"},
            {"title": "mode", "name": "mode", "type": "list", "value": "fast",
             "limits": ["fast", "slow"]},
            {"title": "serial", "name": "serial", "type": "str", "value": "A1",
             "readonly": True},
        ]}


def test_viewer_type_follows_the_highest_dimension():
    from daqcore.data import DataDim

    assert viewer_type(()) == "0D"
    assert viewer_type((DataDim.Data0D, DataDim.Data1D)) == "1D"
    assert viewer_type((DataDim.Data2D,)) == "2D"


def test_detector_adapter_grabs_the_instruments_data_as_pymodaq_objects():
    adapter = DetectorAdapter("mock_1d")
    assert adapter.viewer_type == "1D"
    info, ok = adapter.initialise("sim", {"noise": 0.0})
    assert ok and info
    try:
        theirs = adapter.grab(1)
        direct = get_registry().create_detector("mock_1d", noise=0.0)
        direct.ini_detector()
        ours = direct.grab_data()
        direct.close()
        assert type(theirs).__module__.startswith("pymodaq")
        assert [type(d).__name__ for d in theirs] == ["DataFromPlugins"]
        np.testing.assert_array_equal(theirs[0].data[0], ours[0].data[0])
        assert theirs[0].units == ours[0].units
        assert theirs[0].axes[0].label == ours[0].axes[0].label
    finally:
        adapter.close()
    with pytest.raises(BridgeError, match="not initialised"):
        adapter.grab()


def test_bad_setting_from_pymodaq_is_refused_by_daqcore():
    adapter = DetectorAdapter("mock_0d")
    adapter.initialise("sim")
    try:
        from daqcore.errors import DaqcoreError

        with pytest.raises(DaqcoreError):
            adapter.apply_setting(["noise"], -1.0)
        assert adapter.instrument.settings["noise"] >= 0
        assert adapter.apply_setting(["noise"], 0.5) == 0.5
        with pytest.raises(BridgeError, match="no setting"):
            adapter.apply_setting(["nope"], 1)
    finally:
        adapter.close()


def test_actuator_adapter_moves_and_reports_units():
    adapter = ActuatorAdapter("mock_x")
    adapter.initialise("sim")
    try:
        assert adapter.units == "mm"
        adapter.move_abs(0.75)
        adapter.instrument.wait_until_reached(timeout=5)
        assert adapter.value() == pytest.approx(0.75)
    finally:
        adapter.close()


def test_unknown_instrument_and_package_errors(tmp_path):
    with pytest.raises(BridgeError, match="no daqcore detector"):
        DetectorAdapter("mock_x")  # an actuator
    with pytest.raises(BridgeError, match="no daqcore instrument named nope"):
        write_bridge_package(tmp_path / "p", ["nope"])
    write_bridge_package(tmp_path / "q", ["mock_0d"])
    with pytest.raises(BridgeError, match="already holds"):
        write_bridge_package(tmp_path / "q", ["mock_0d"])
    write_bridge_package(tmp_path / "q", ["mock_x"], overwrite=True)
    files = sorted(p.name for p in (tmp_path / "q" / "src" / PACKAGE).rglob("daq_*.py"))
    assert files == ["daq_move_mock_x.py"]


_PROBE = textwrap.dedent("""
    import json, time
    import numpy as np
    from pymodaq.utils.daq_utils import get_plugins
    from pymodaq.utils.data import DataActuator
    from daqcore.plugins import get_registry

    out = {t: sorted(p["name"] for p in get_plugins(t))
           for t in ("daq_move", "daq_0Dviewer", "daq_1Dviewer", "daq_2Dviewer")}
    from pymodaq_plugins_daqcore.daq_viewer_plugins.plugins_1D.daq_1Dviewer_mock_1d import (
        DAQ_1DViewer_mock_1d)
    viewer = DAQ_1DViewer_mock_1d(None, None)
    got = []
    viewer.dte_signal.connect(got.append)
    out["viewer_init"] = list(viewer.ini_detector())
    viewer.grab_data(1)
    direct = get_registry().create_detector("mock_1d")
    direct.ini_detector()
    ours = direct.grab_data()[0]
    theirs = got[0][0]
    out["grab_equal"] = bool(np.array_equal(theirs.data[0], ours.data[0]))
    out["grab"] = [type(got[0]).__name__, type(theirs).__name__, theirs.units,
                   [a.label for a in theirs.axes], list(theirs.shape)]
    viewer.close()

    from pymodaq_plugins_daqcore.daq_viewer_plugins.plugins_1D.daq_1Dviewer_joulescope import (
        DAQ_1DViewer_joulescope)
    meter = DAQ_1DViewer_joulescope(None, None)
    js = []
    meter.dte_signal.connect(js.append)
    out["joulescope_init"] = list(meter.ini_detector())
    meter.grab_data(1)
    out["joulescope"] = {d.name: d.units for d in js[0]}
    meter.close()

    from pymodaq_plugins_daqcore.daq_viewer_plugins.plugins_1D.daq_1Dviewer_picoscope import (
        DAQ_1DViewer_picoscope)
    scope = DAQ_1DViewer_picoscope(None, None)
    traces = []
    scope.dte_signal.connect(traces.append)
    out["picoscope_init"] = list(scope.ini_detector())
    scope.grab_data(1)
    direct = get_registry().create_detector("picoscope")
    direct.ini_detector()
    ours = {d.name: (d.units, d.dim.name, list(d.shape)) for d in direct.grab_data()}
    direct.close()
    out["picoscope"] = {d.name: (d.units, d.dim.name, list(d.shape)) for d in traces[0]}
    out["picoscope_direct"] = ours
    scope.close()

    from pymodaq_plugins_daqcore.daq_move_plugins.daq_move_mock_x import DAQ_Move_mock_x
    mover = DAQ_Move_mock_x(None, None)
    out["move_init"] = list(mover.ini_stage())
    mover.move_abs(DataActuator(data=1.25, units="mm"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        value = mover.get_actuator_value()
        if abs(value.value() - 1.25) < 1e-6:
            break
        time.sleep(0.02)
    out["moved"] = [value.value(), value.units]
    mover.close()
    print("RESULT " + json.dumps(out))
""")


@pytest.mark.slow
def test_pymodaq_discovers_and_drives_daqcore_instruments(tmp_path):
    pytest.importorskip("pymodaq")
    project = write_bridge_package(tmp_path / "bridge")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "--target", str(site), str(project)],
                   check=True, capture_output=True, text=True)
    home = tmp_path / "home"
    home.mkdir()  # PyMoDAQ writes its configuration and logs under ~/.pymodaq
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                          text=True, timeout=180, cwd=tmp_path)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, done.stdout[-2000:] + done.stderr[-4000:]
    result = json.loads(line[len("RESULT "):])
    assert {"mock_x", "mock_y"} <= set(result["daq_move"])
    assert "mock_0d" in result["daq_0Dviewer"]
    assert {"mock_1d", "joulescope"} <= set(result["daq_1Dviewer"])
    assert "mock_2d" in result["daq_2Dviewer"]
    assert result["viewer_init"][1] is True
    assert result["grab_equal"] is True
    assert result["grab"] == ["DataToExport", "DataFromPlugins", "V", ["wavelength"], [256]]
    assert result["joulescope_init"][1] is True
    assert {"current": "A", "voltage": "V", "power": "W"}.items() <= result["joulescope"].items()
    assert result["picoscope_init"][1] is True
    assert result["picoscope"] == result["picoscope_direct"] and result["picoscope"]
    assert result["move_init"][1] is True
    assert result["moved"][0] == pytest.approx(1.25) and result["moved"][1] == "mm"


def test_cli_writes_the_package(tmp_path):
    from click.testing import CliRunner

    from daqcore.interop.pymodaq.cli import pymodaq_bridge

    target = tmp_path / "out"
    result = CliRunner().invoke(pymodaq_bridge, ["-o", str(target), "-i", "mock_2d"])
    assert result.exit_code == 0, result.output
    assert "daq_2Dviewer_mock_2d" in result.output and "pip install" in result.output
    again = CliRunner().invoke(pymodaq_bridge, ["-o", str(target), "-i", "mock_2d"])
    assert again.exit_code != 0 and "already holds" in again.output
    bad = CliRunner().invoke(pymodaq_bridge, ["-o", str(tmp_path / "x"), "-i", "nope"])
    assert bad.exit_code != 0 and "no daqcore instrument named nope" in bad.output
    assert (target / "pyproject.toml").exists()
    assert Path(target / "src" / PACKAGE / "daq_viewer_plugins" / "plugins_2D" /
                "daq_2Dviewer_mock_2d.py").exists()
