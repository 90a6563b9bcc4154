"""Scan engine: layout, exact round trips (daqcore and pymodaq_data loaders), averaging."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from daqcore.acquisition import Scan, Scanner2DGrid, ScannerGrid, ScannerSpread
from daqcore.data import DataDistribution
from daqcore.saving import DataLoader


def _expected_0d(x, y):
    return 10 * x + y, x - y


def _pymodaq_load(path, node):
    from pymodaq_data.h5modules.data_saving import DataLoader as PmdLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PmdSaver

    h5 = PmdSaver(backend="h5py")
    h5.open_file(str(path), "r")
    try:
        return PmdLoader(h5).load_data(node)
    finally:
        h5.close_file()


@pytest.mark.parametrize("order, flush_interval", [
    ("normal", 0.5), ("snake", 0.5), ("random", 0.5), ("normal", 0.0), ("snake", 0.0)])
def test_grid_scan_layout_and_exact_values(rig, tmp_path, order, flush_interval):
    scanner = ScannerGrid(axes=[(0, 2, 1), (-1, 1, 0.5)], order=order, seed=4)
    result = Scan(rig.actuators, rig.detectors, scanner, path=tmp_path / "s.h5",
                  flush_interval=flush_interval).run()
    assert result.completed and result.n_points_done == 15
    assert result.scan_group == "/RawData/Scan000"
    assert list(result.detector_groups.values()) == [
        "/RawData/Scan000/Detector000", "/RawData/Scan000/Detector001"]
    xs, ys = np.arange(3.0), np.linspace(-1, 1, 5)
    with h5py.File(result.path, "r") as f:
        d0 = f["RawData/Scan000/Detector000/Data0D/CH00/Data00"][()]
        d1 = f["RawData/Scan000/Detector000/Data0D/CH00/Data01"][()]
        spec = f["RawData/Scan000/Detector001/Data1D/CH00/Data00"][()]
        nav = f["RawData/Scan000/Detector000/NavAxes"]
        np.testing.assert_array_equal(nav["Axis00"][()], xs)
        np.testing.assert_array_equal(nav["Axis01"][()], ys)
        xa = f["RawData/Scan000/Actuator000/Data0D/CH00/Data00"][()]
    assert d0.shape == (3, 5) and spec.shape == (3, 5, 8)
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            assert d0[i, j] == 10 * x + y and d1[i, j] == x - y
            np.testing.assert_array_equal(spec[i, j], np.arange(8) * x + y)
            assert xa[i, j] == x
    # the data grabbed (in visiting order) are exactly the data saved at each index
    for step, dte in zip(scanner, rig.d1.grabbed):
        np.testing.assert_array_equal(spec[step.indexes], dte[0].data[0])


def test_scan_reloads_with_nav_axes_in_daqcore_and_pymodaq(rig, tmp_path):
    scanner = Scanner2DGrid((0, 1, 0.5), (0, 3, 1))
    result = Scan(rig.actuators, rig.detectors, scanner, path=tmp_path).run()
    node = "/RawData/Scan000/Detector001/Data1D/CH00/Data00"
    with DataLoader(result.path) as loader:
        ours = loader.load_data(node)
        dte = loader.load_all("/RawData/Scan000/Detector000")
    theirs = _pymodaq_load(result.path, node)
    for dwa in (ours, theirs):
        assert dwa.shape == (3, 4, 8)
        assert tuple(dwa.nav_indexes) == (0, 1)
        labels = {ax.label: ax for ax in dwa.axes}
        assert set(labels) == {"x", "y", "wavelength"}
        assert labels["x"].units == "mm" and labels["x"].index == 0
        assert labels["y"].index == 1 and labels["wavelength"].index == 2
        np.testing.assert_array_equal(labels["y"].get_data(), [0, 1, 2, 3])
        np.testing.assert_array_equal(dwa.data[0][2, 3], np.arange(8) * 1.0 + 3)
    assert ours.units == "V"  # units kept by daqcore (pymodaq_data drops them)
    (power,) = dte
    assert power.labels == ["sum", "diff"]
    np.testing.assert_array_equal(power.data[0], [[10 * x + y for y in range(4)]
                                                  for x in (0, 0.5, 1)])


def test_spread_scan_round_trip_with_pymodaq(rig, tmp_path):
    pts = [[0.0, 0.0], [1.0, 2.0], [0.5, -1.0], [2.0, 1.5]]
    result = Scan(rig.actuators, rig.detectors, ScannerSpread(points=pts), path=tmp_path).run()
    node = "/RawData/Scan000/Detector000/Data0D/CH00/Data00"
    with DataLoader(result.path) as loader:
        ours = loader.load_data(node)
    for dwa in (_pymodaq_load(result.path, node), ours):
        assert dwa.distribution.name == "spread"
        assert dwa.shape == (4,)
        np.testing.assert_array_equal(dwa.data[0], [10 * x + y for x, y in pts])
        nav = sorted(dwa.get_nav_axes(), key=lambda a: a.spread_order)
        assert [(a.label, a.index, a.spread_order) for a in nav] == [("x", 0, 0), ("y", 0, 1)]
        np.testing.assert_array_equal(nav[1].get_data(), [p[1] for p in pts])


def test_averaging_saves_mean_and_standard_error(make_rig, tmp_path):
    rig = make_rig(noise=True)
    n = 3
    scanner = ScannerGrid(axes=[(0, 1, 1), (0, 1, 1)])
    result = Scan(rig.actuators, rig.detectors, scanner, naverage=n, path=tmp_path).run()
    assert len(rig.d0.grabbed) == n * scanner.n_steps
    with DataLoader(result.path) as loader:
        power = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00",
                                 load_all=True)
        spec = loader.load_data("/RawData/Scan000/Detector001/Data1D/CH00/Data00")
    for step in scanner:
        raw = np.array([g[0].data[0][0] for g in rig.d0.grabbed[step.step * n:(step.step + 1) * n]])
        assert power.data[0][step.indexes] == pytest.approx(raw.mean(), abs=0, rel=1e-15)
        sem = raw.std(ddof=1) / np.sqrt(n)
        assert power.errors[0][step.indexes] == pytest.approx(sem, rel=1e-12)
        assert sem > 0
        raw1 = np.array([g[0].data[0] for g in rig.d1.grabbed[step.step * n:(step.step + 1) * n]])
        np.testing.assert_allclose(spec.data[0][step.indexes], raw1.mean(axis=0), rtol=1e-15)
        np.testing.assert_allclose(spec.errors[0][step.indexes],
                                   raw1.std(axis=0, ddof=1) / np.sqrt(n), rtol=1e-12)
    with h5py.File(result.path, "r") as f:
        assert "ErrorBar00" in f["RawData/Scan000/Detector001/Data1D/CH00"]
    # the averaged error bars also load through pymodaq_data
    theirs = _pymodaq_load(result.path, "/RawData/Scan000/Detector001/Data1D/CH00/Data00")
    np.testing.assert_allclose(theirs.errors[0], spec.errors[0], rtol=0)


def test_scan_appends_new_scan_group_to_existing_file(rig, tmp_path):
    target = tmp_path / "both.h5"
    Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)), path=target).run()
    second = Scan(rig.actuators, [rig.d0], ScannerSpread(points=[[1, 1]]), path=target).run()
    assert second.scan_group == "/RawData/Scan001" and second.path == target
    with h5py.File(target, "r") as f:
        assert set(f["RawData"]) >= {"Scan000", "Scan001"}
        assert f["RawData/Scan001/Detector000/Data0D/CH00/Data00"][()].tolist() == [11.0]


def test_scanner_and_actuator_count_must_match(rig, tmp_path):
    scanner = ScannerSpread(points=[[0.0], [1.0]])
    from daqcore.acquisition.errors import ScanConfigurationError

    with pytest.raises(ScanConfigurationError, match="1 actuator"):
        Scan([], rig.detectors, scanner, path=tmp_path)


def test_data_distribution_of_scanners_is_saved(rig, tmp_path):
    result = Scan([rig.x], [rig.d0], ScannerSpread(points=[[0.0], [2.0]]), path=tmp_path).run()
    with DataLoader(result.path) as loader:
        dwa = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    assert dwa.distribution is DataDistribution.spread


def test_tables_backend_scan_round_trip(rig, tmp_path):
    scanner = ScannerGrid(axes=[(0, 1, 0.5), (0, 1, 1)], order="snake")
    result = Scan(rig.actuators, rig.detectors, scanner, path=tmp_path / "t.h5",
                  backend="tables").run()
    node = "/RawData/Scan000/Detector001/Data1D/CH00/Data00"
    with DataLoader(result.path, backend="tables") as loader:
        ours = loader.load_data(node)
    theirs = _pymodaq_load(result.path, node)
    for dwa in (ours, theirs):
        assert dwa.shape == (3, 2, 8)
        np.testing.assert_array_equal(dwa.data[0][2, 1], np.arange(8) * 1.0 + 1)
    with h5py.File(result.path, "r") as f:
        assert f["RawData/Scan000/Detector001/Data1D/CH00/Data00"].attrs["CLASS"] in (
            b"CARRAY", "CARRAY")


def test_scan_of_a_2d_camera_loads_in_pymodaq(tmp_path):
    from daqcore.acquisition import open_instruments

    with open_instruments(["mock_x"], ["mock_2d"],
                          settings={"mock_2d": {"nx": 8, "ny": 6, "noise": 0.0}}) as (a, d):
        grabbed = []
        scan = Scan(a, d, ScannerGrid(axes=[(-1, 1, 1)]), path=tmp_path)
        scan.subscribe(lambda e: e.kind == "point" and grabbed.append(
            np.array(e.data[0][0].data[0])))
        result = scan.run()
    node = "/RawData/Scan000/Detector000/Data2D/CH00/Data00"
    theirs = _pymodaq_load(result.path, node)
    with DataLoader(result.path) as loader:
        ours = loader.load_data(node)
    for dwa in (ours, theirs):
        assert dwa.shape == (3, 6, 8) and tuple(dwa.nav_indexes) == (0,)
        for i in range(3):
            np.testing.assert_array_equal(dwa.data[0][i], grabbed[i])
        assert {a.label for a in dwa.axes} >= {"mock_x"}


def test_acquisition_never_touches_hdf5():
    """Records down, never handles up: the engines hand records to saving sinks and know
    nothing of files (no h5py / PyTables, no saver object, no array handle)."""
    import inspect

    import daqcore.acquisition.control as control_mod
    import daqcore.acquisition.logger as logger_mod
    import daqcore.acquisition.scan as scan_mod

    for module in (control_mod, scan_mod, logger_mod):
        source = inspect.getsource(module)
        for word in ("import h5py", "import tables", "H5Saver", "prepare_point", "write_point",
                     "handle"):
            assert word not in source, (module.__name__, word)


def test_a_point_failing_in_one_group_is_kept_out_of_every_group(rig, tmp_path):
    """A detector whose data change shape at point 2: the scan fails, points 0-1 are in
    both groups, point 2 in none, the file is closed and says so."""
    from daqcore.acquisition.errors import PointSaveError
    from daqcore.data import DataDim, DataFromPlugins, DataToExport
    from daqcore.instruments import Detector
    from daqcore.saving import decode_attribute

    class Changing(Detector):
        dims = (DataDim.Data1D,)

        def _ini_detector(self):
            self.count = 0
            return "ok"

        def _grab_data(self, naverage):
            self.count += 1
            n = 3 if self.count == 3 else 2
            return DataToExport(self.title, data=[DataFromPlugins(
                "d", data=[np.full(n, float(self.count))], origin=self.title)])

    det = Changing(title="changing")
    det.ini_detector()
    try:
        scan = Scan([rig.x], [rig.detectors[0], det], ScannerGrid(axes=[(0, 3, 1)]),
                    path=tmp_path / "f.h5")
        with pytest.raises(PointSaveError, match="point 2"):
            scan.run()
    finally:
        det.close()
    assert scan.result.status == "failed" and scan.result.n_points_done == 2
    with h5py.File(tmp_path / "f.h5", "r") as f:
        group = f["RawData/Scan000"]
        attrs = {k: decode_attribute(group.attrs[k]) for k in ("status", "error")}
        assert attrs["status"] == "failed" and "point 2" in attrs["error"]
        a = group["Detector000/Data0D/CH00/Data00"][()]
        b = group["Detector001/Data1D/CH00/Data00"][()]
    assert np.isfinite(a[:2]).all() and np.isnan(a[2:]).all()
    assert np.isfinite(b[:2]).all() and np.isnan(b[2:]).all()


def test_error_bars_of_a_hardware_averaging_detector_are_saved(rig, tmp_path):
    """PyMoDAQ#1163: a detector's own error bars must reach the scan file."""
    from daqcore.data import DataDim, DataFromPlugins, DataToExport
    from daqcore.instruments import Detector

    class Averager(Detector):
        dims = (DataDim.Data0D,)
        hardware_averaging = True

        def _grab_data(self, naverage):
            x = rig.stage.pos["x"]
            dwa = DataFromPlugins("mean_power", data=[np.array([x * 2.0])], units="W",
                                  errors=[np.array([0.1 + x])], origin=self.title)
            return DataToExport(self.title, data=[dwa])

    det = Averager(title="averager")
    det.ini_detector()
    try:
        result = Scan([rig.x], [det], ScannerGrid(axes=[(0, 2, 1)]), path=tmp_path).run()
    finally:
        det.close()
    node = "/RawData/Scan000/Detector000/Data0D/CH00/Data00"
    with DataLoader(result.path) as loader:
        ours = loader.load_data(node)
    theirs = _pymodaq_load(result.path, node)
    for dwa in (ours, theirs):
        np.testing.assert_array_equal(dwa.data[0], [0.0, 2.0, 4.0])
        np.testing.assert_allclose(dwa.errors[0], [0.1, 1.1, 2.1], rtol=0)
