"""Files written by daqcore load in pymodaq_data and the other way round, on both backends.

Every (writer, reader, backend, save kind, data case) combination is checked against values
computed from the inputs: data, labels, units, signal and navigation axes, nav_indexes,
error bars and background subtraction.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from daqcore.saving.export_savers import group_by_dim

warnings.filterwarnings("ignore")

SCAN_SHAPE = (3, 2)
N_APPEND = 4


def namespaces() -> dict[str, SimpleNamespace]:
    import daqcore.data as dd
    import daqcore.saving as ds

    out = {"daqcore": SimpleNamespace(
        DataRaw=dd.DataRaw, Axis=dd.Axis, DataToExport=dd.DataToExport,
        H5Saver=lambda backend, st: ds.H5SaverLowLevel(st, backend=backend),
        DataToExportSaver=ds.DataToExportSaver, Extended=ds.DataToExportExtendedSaver,
        Enlargeable=ds.DataToExportEnlargeableSaver, Timed=ds.DataToExportTimedSaver,
        DataLoader=ds.DataLoader, spread="spread", uniform="uniform")}
    try:
        import pymodaq_data.data as pd
        from pymodaq_data.h5modules import data_saving as pds
        from pymodaq_data.h5modules.saving import H5SaverLowLevel as PSaver
    except ImportError:  # pragma: no cover
        return out
    out["pymodaq"] = SimpleNamespace(
        DataRaw=pd.DataRaw, Axis=pd.Axis, DataToExport=pd.DataToExport,
        H5Saver=lambda backend, st: PSaver(st, backend=backend),
        DataToExportSaver=pds.DataToExportSaver, Extended=pds.DataToExportExtendedSaver,
        Enlargeable=pds.DataToExportEnlargeableSaver, Timed=pds.DataToExportTimedSaver,
        DataLoader=pds.DataLoader, spread=pd.DataDistribution.spread,
        uniform=pd.DataDistribution.uniform)
    return out


@pytest.fixture(scope="session")
def libs() -> dict[str, SimpleNamespace]:
    return namespaces()


def channel_values(case: str, step: int) -> dict[str, list[np.ndarray]]:
    """Deterministic channel arrays of every DWA of ``case`` at ``step``."""
    rng = np.random.default_rng(step)
    if case == "dims":
        return {"temp": [np.array([10.0 + step]), np.array([-1.5 * step])],
                "spec": [rng.random(5)],
                "img": [rng.integers(0, 1000, (3, 4)).astype(np.float64)]}
    if case == "nd":
        return {"cube": [rng.random((2, 5))]}
    if case == "spread":
        return {"pts": [rng.random(6)]}
    raise ValueError(case)


def make_dte(ns: SimpleNamespace, case: str, step: int):
    v = channel_values(case, step)
    if case == "dims":
        d0 = ns.DataRaw("temp", units="K", data=v["temp"], labels=["T1", "T2"], origin="det")
        d1 = ns.DataRaw("spec", units="V", data=v["spec"], origin="det", labels=["s"],
                        axes=[ns.Axis("wl", units="nm", data=np.linspace(400.0, 440.0, 5),
                                      index=0)],
                        errors=None if step == 7 else [np.full(5, 0.1 + step)])
        d2 = ns.DataRaw("img", units="count", data=v["img"], origin="cam",
                        axes=[ns.Axis("row", units="um", data=np.array([0.0, 1.0, 3.0]),
                                      index=0),
                              ns.Axis("col", units="um", data=np.linspace(0.0, 3.0, 4),
                                      index=1)])
        dwas = [d0, d1, d2]
    elif case == "nd":
        dwas = [ns.DataRaw("cube", units="mV", data=v["cube"], nav_indexes=(0,), origin="det",
                           axes=[ns.Axis("pos", units="mm", data=np.array([1.0, 2.0]) + 2 * step,
                                         index=0),
                                 ns.Axis("t", units="s", data=np.linspace(0, 1, 5), index=1)])]
    else:
        dwas = [ns.DataRaw("pts", units="W", data=v["pts"], nav_indexes=(0,), origin="det",
                           distribution=ns.spread,
                           axes=[ns.Axis("x", units="mm", data=np.arange(6.0), index=0,
                                         spread_order=0),
                                 ns.Axis("y", units="mm", data=np.arange(6.0) ** 2, index=0,
                                         spread_order=1)])]
    dte = ns.DataToExport("det", data=dwas)
    dte.timestamp = 1000.0 + step
    return dte


def summary(dwa) -> dict:
    """Comparable description of a loaded DWA (generated index axes are left out)."""
    axes = sorted(((a.label, a.units, int(a.index), int(a.spread_order),
                    tuple(np.round(np.asarray(a.get_data(), dtype=float), 9)))
                   for a in dwa.axes if a.label != ""), key=lambda t: (t[2], t[3]))
    return {"name": dwa.name, "labels": list(dwa.labels), "units": dwa.units,
            "nav_indexes": tuple(int(i) for i in dwa.nav_indexes),
            "data": [np.asarray(d) for d in dwa.data],
            "errors": None if dwa.errors is None else [np.asarray(e) for e in dwa.errors],
            "axes": axes}


def assert_same(got: dict, expected: dict) -> None:
    for key in ("name", "labels", "units", "nav_indexes", "axes"):
        assert got[key] == expected[key], (key, got[key], expected[key])
    assert len(got["data"]) == len(expected["data"])
    for a, b in zip(got["data"], expected["data"]):
        np.testing.assert_array_equal(a, b)
    if expected["errors"] is None:
        assert got["errors"] is None
    else:
        assert got["errors"] is not None
        for a, b in zip(got["errors"], expected["errors"]):
            np.testing.assert_array_equal(a, b)

LIBS = list(namespaces())
KIND_CASES = [("snapshot", "dims"), ("snapshot", "nd"), ("snapshot", "spread"),
              ("extended", "dims"), ("extended", "spread_scan"), ("extended", "nd"),
              ("enlargeable", "dims"), ("timed", "dims")]
SPREAD_SCAN = (4,)


def scan_shape(case: str) -> tuple[int, ...]:
    return SPREAD_SCAN if case == "spread_scan" else SCAN_SHAPE


def data_case(case: str) -> str:
    return "dims" if case == "spread_scan" else case


def nav_axes(ns, case: str):
    if case == "spread_scan":
        return [ns.Axis("x", units="mm", data=np.array([0.0, 1.0, 0.0, 1.0]), index=0,
                        spread_order=0),
                ns.Axis("y", units="mm", data=np.array([0.0, 0.0, 1.0, 1.0]), index=0,
                        spread_order=1)]
    return [ns.Axis("x", units="mm", data=np.linspace(0.0, 1.0, 3), index=0),
            ns.Axis("y", units="mm", data=np.linspace(0.0, 2.0, 2), index=1)]


def write(ns, backend: str, kind: str, case: str, path: Path) -> str:
    """Write the file with the library ``ns``; return the detector group path."""
    save_type = {"snapshot": "detector", "extended": "scan", "enlargeable": "custom",
                 "timed": "logger"}[kind]
    h5 = ns.H5Saver(backend, save_type)
    h5.init_file(file_name=path, new_file=True)
    if kind == "extended":
        det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
        saver = ns.Extended(h5, extended_shape=scan_shape(case))
        saver.add_nav_axes(det, nav_axes(ns, case))
        for k, idx in enumerate(np.ndindex(scan_shape(case))):
            dist = ns.spread if case == "spread_scan" else ns.uniform
            saver.add_data(det, make_dte(ns, data_case(case), k), indexes=idx, distribution=dist)
    else:
        det = h5.add_det_group(h5.raw_group, title="det")
        if kind == "snapshot":
            saver = ns.DataToExportSaver(h5)
            saver.add_data(det, make_dte(ns, case, 0))
            saver.add_bkg(det, make_dte(ns, case, 7))
        elif kind == "enlargeable":
            saver = ns.Enlargeable(h5, enl_axis_names=["xx"], enl_axis_units=["mm"])
            for k in range(N_APPEND):
                saver.add_data(det, make_dte(ns, case, k), axis_values=[0.5 * k])
        else:
            saver = ns.Timed(h5)
            for k in range(N_APPEND):
                saver.add_data(det, make_dte(ns, case, k))
    path_det = det.path
    h5.close_file()
    return path_det


def expected(kind: str, case: str, writer: str, with_bkg: bool = False) -> dict[str, dict]:
    """Expected summaries by data-node path suffix ``<dim>/CHnn``."""
    import daqcore.data as dd
    from daqcore.data import Axis

    ns = namespaces()["daqcore"]
    template = make_dte(ns, data_case(case), 0)
    out = {}
    for dim, dwas in group_by_dim(template):
        for ind, dwa in enumerate(dwas):
            key = f"{dim}/CH{ind:02d}"
            if kind == "snapshot":
                exp = summary(dwa)
                if with_bkg:
                    bkg = channel_values(case, 7)[dwa.name]
                    exp["data"] = [d - b for d, b in zip(exp["data"], bkg)]
                out[key] = exp
                continue
            if kind == "extended":
                shape = scan_shape(case)
                steps = list(np.ndindex(shape))
                navs = [(a.label, a.units, a.index, a.spread_order, a.get_data())
                        for a in nav_axes(ns, case)]
            else:
                shape = (N_APPEND,)
                steps = [(k,) for k in range(N_APPEND)]
                values = 0.5 * np.arange(N_APPEND) if kind == "enlargeable" else \
                    1000.0 + np.arange(N_APPEND)
                name, units = ("xx", "mm") if kind == "enlargeable" else ("time", "s")
                navs = [(name, units, 0, 0, values)]
            k = len(shape)
            sig = dwa.data[0].shape
            store = shape if sig == (1,) and not dwa.nav_indexes else shape + sig
            data = [np.empty(store) for _ in dwa.data]
            errors = None if dwa.errors is None else [np.empty(store) for _ in dwa.data]
            for step, idx in enumerate(steps):
                vals = channel_values(data_case(case), step)[dwa.name]
                for ch in range(len(dwa.data)):
                    data[ch][idx] = vals[ch].reshape(store[k:])
                    if errors is not None:
                        errors[ch][idx] = 0.1 + step
            axes = [Axis(a.label, a.units, data=a.get_data(), index=a.index + k,
                         spread_order=a.spread_order) for a in dwa.axes]
            axes += [Axis(lbl, u, data=v, index=i, spread_order=so) for lbl, u, i, so, v in navs]
            exp_dwa = dd.DataRaw(dwa.name, units=dwa.units, data=data, labels=dwa.labels,
                                 nav_indexes=tuple(range(k)) + tuple(i + k for i in
                                                                   dwa.nav_indexes),
                                 errors=errors, axes=axes,
                                 distribution="spread" if kind != "extended" or
                                 case == "spread_scan" else "uniform")
            exp = summary(exp_dwa)
            if writer == "pymodaq":  # pymodaq_data drops units of scan/logger data (a.10)
                exp["units"] = ""
            out[key] = exp
    return out


def load(ns, reader: str, backend: str, path: Path, node: str, with_bkg: bool = False):
    if reader == "pymodaq":
        h5 = ns.H5Saver(backend, "scan")
        h5.open_file(str(path), "r")
        loader = ns.DataLoader(h5)
    else:
        loader = ns.DataLoader(path, backend=backend)
    try:
        return summary(loader.load_data(node, with_bkg=with_bkg, load_all=True))
    finally:
        loader.close_file()


@pytest.mark.parametrize("backend", ["h5py", "tables"])
@pytest.mark.parametrize("kind,case", KIND_CASES)
@pytest.mark.parametrize("writer,reader", [(w, r) for w in LIBS for r in LIBS])
def test_roundtrip_between_libraries(libs, tmp_path, backend, kind, case, writer, reader):
    path = tmp_path / f"{writer}_{kind}.h5"
    det = write(libs[writer], backend, kind, case, path)
    prefix = "EnlData00" if kind in ("enlargeable", "timed") else "Data00"
    for key, exp in expected(kind, case, writer).items():
        got = load(libs[reader], reader, backend, path, f"{det}/{key}/{prefix}")
        assert_same(got, exp)
    if kind == "snapshot":
        for key, exp in expected(kind, case, writer, with_bkg=True).items():
            got = load(libs[reader], reader, backend, path, f"{det}/{key}/{prefix}",
                       with_bkg=True)
            assert_same(got, exp)


@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_load_all_matches_pymodaq(libs, tmp_path, backend):
    """DataLoader.load_all gives the same DataToExport in both libraries."""
    if "pymodaq" not in libs:
        pytest.skip("pymodaq_data not installed")
    path = tmp_path / "scan.h5"
    write(libs["daqcore"], backend, "extended", "dims", path)
    ours = libs["daqcore"].DataLoader(path, backend=backend)
    h5 = libs["pymodaq"].H5Saver(backend, "scan")
    h5.open_file(str(path), "r")
    theirs = libs["pymodaq"].DataLoader(h5)
    try:
        a = ours.load_all("/RawData/Scan000/Detector000")
        b = theirs.load_all("/RawData/Scan000/Detector000")
        assert [d.name for d in a] == [d.name for d in b]
        for da, db in zip(a, b):
            assert_same(summary(da), summary(db))
    finally:
        ours.close_file()
        h5.close_file()
