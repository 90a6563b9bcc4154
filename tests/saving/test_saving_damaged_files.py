"""Damaged, hostile and odd files: DataLoader and ``daqcore browse`` either load them or raise a
daqcore error quickly (issue 18 items 1, 3, 6, 7, 12; paper cut "browse accepts several files").

CLI items run the real ``daqcore`` command in a subprocess; every damaged-file test has a
timeout, and a hypothesis fuzz test damages real scan and log files at random.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.errors import DaqcoreError
from daqcore.saving import (
    DataLoader,
    DataToExportExtendedSaver,
    DataToExportTimedSaver,
    H5SaverLowLevel,
)
from daqcore.saving.browse import render_file, tree_of
from daqcore.saving.errors import (
    AttributeDecodeError,
    DamagedFileError,
    DataTooLargeError,
    NodeError,
)

TIME_BOUND = 2.0  # seconds a damaged file may take to be refused (in process)
CLI_TIME_BOUND = 20.0  # the same through a fresh interpreter, on a loaded machine


def daqcore_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "daqcore", *args], capture_output=True,
                          text=True, timeout=timeout)


def _dte(step: int) -> DataToExport:
    rng = np.random.default_rng(step)
    d0 = DataRaw("temp", units="K", data=[np.array([10.0 + step]), np.array([-1.0 * step])],
                 labels=["T1", "T2"])
    d1 = DataRaw("spec", units="V", data=[rng.random(16)], errors=[np.full(16, 0.1)],
                 axes=[Axis("wl", units="nm", data=np.linspace(400.0, 430.0, 16), index=0)])
    dte = DataToExport("det", data=[d0, d1])
    dte.timestamp = 1000.0 + step
    return dte


def write_scan(path: Path, backend: str = "h5py", shape: tuple[int, int] = (4, 3)) -> Path:
    """A 2D scan file (0D + 1D detector, nav axes x/y) as the scan sink writes it."""
    h5 = H5SaverLowLevel("scan", backend=backend)
    h5.init_file(path, new_file=True, metadata={"big": "x" * 40_000})  # a LargeAttribute
    det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=shape)
    saver.add_nav_axes(det, [Axis("x", units="mm", data=np.linspace(0.0, 1.0, shape[0]), index=0),
                             Axis("y", units="mm", data=np.linspace(0.0, 2.0, shape[1]),
                                  index=1)])
    for k, idx in enumerate(np.ndindex(shape)):
        saver.add_data(det, _dte(k), indexes=idx)
    h5.close_file()
    return path


def write_log(path: Path, backend: str = "h5py", rows: int = 20) -> Path:
    """A log file (timed saver: time nav axis) as the log sink writes it."""
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    for k in range(rows):
        saver.add_data(det, _dte(k))
    h5.close_file()
    return path


def truncated_copy(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


def flipped_copy(source: Path, target: Path, flips: list[tuple[int, int]]) -> Path:
    data = bytearray(source.read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    target.write_bytes(bytes(data))
    return target



def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("originals")
    return {"scan": write_scan(folder / "scan.h5"), "log": write_log(folder / "log.h5"),
            "scan_tables": write_scan(folder / "scan_tables.h5", backend="tables")}


def _load_everything(path: Path) -> None:
    with DataLoader(path) as loader:
        loader.load_all("/RawData")


def _killed_swmr_writer(path: Path) -> Path:
    """A file whose SWMR writer died without closing it (flags left "open for writing")."""
    code = f"""
import os, numpy as np, h5py
f = h5py.File({str(path)!r}, "w", libver="latest")
g = f.create_group("RawData")
d = g.create_dataset("x", shape=(0,), maxshape=(None,), dtype="f8", chunks=(64,))
f.swmr_mode = True
for i in range(50):
    d.resize((d.shape[0] + 10,))
    d[-10:] = np.arange(10.0)
    d.flush()
f.flush()
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    return path


# ------------------------------------------------------------------ item 1: truncated files
@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["scan", "log", "scan_tables"])
@pytest.mark.parametrize("fraction", [0.0005, 0.05, 0.5, 0.95])
def test_truncated_file_fails_fast_with_a_daqcore_error(originals, tmp_path, kind, fraction):
    source = originals[kind]
    size = max(100, int(source.stat().st_size * fraction))
    path = truncated_copy(source, tmp_path / f"cut_{kind}.h5", size)
    start = time.perf_counter()
    with pytest.raises(DamagedFileError) as info:
        _load_everything(path)
    assert time.perf_counter() - start < TIME_BOUND
    assert str(path) in str(info.value) and "truncated" in str(info.value)
    start = time.perf_counter()
    with pytest.raises(DamagedFileError):
        tree_of(path)
    assert time.perf_counter() - start < TIME_BOUND
    with pytest.raises(DamagedFileError):  # PyTables as reader too
        DataLoader(path, backend="tables")


@pytest.mark.timeout(120)
def test_truncated_file_of_a_killed_swmr_writer_is_never_opened_as_swmr_reader(tmp_path):
    whole = _killed_swmr_writer(tmp_path / "killed.h5")
    with h5py.File(whole, "r", swmr=True) as f:  # the intact file is readable as before
        assert f["RawData/x"].shape[0] > 0
    _load_everything(whole)
    path = truncated_copy(whole, tmp_path / "killed_cut.h5", whole.stat().st_size // 2)
    start = time.perf_counter()
    with pytest.raises(DamagedFileError, match="truncated"):
        _load_everything(path)
    with pytest.raises(DamagedFileError, match="truncated"):
        DataLoader(path, swmr_mode=True)
    assert time.perf_counter() - start < 3 * TIME_BOUND  # the SWMR probe retries for 0.5 s


@pytest.mark.timeout(90)
def test_cli_browse_truncated_file_fails_fast(originals, tmp_path):
    path = truncated_copy(originals["scan"], tmp_path / "cut.h5", 5000)
    start = time.perf_counter()
    res = daqcore_cli("browse", str(path))
    assert time.perf_counter() - start < CLI_TIME_BOUND
    assert res.returncode == 1, res.stdout + res.stderr
    assert str(path) in res.stderr and "truncated" in res.stderr
    assert "Traceback" not in res.stderr


# ------------------------------------------------------------------ item 3: nav_indexes forms
def _set_nav_indexes(path: Path, value) -> None:
    with h5py.File(path, "a") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and "nav_indexes" in obj.attrs:
                obj.attrs["nav_indexes"] = value
        f.visititems(visit)


SCAN_NODE = "/RawData/Scan000/Detector000/Data1D/CH00/Data00"


@pytest.mark.parametrize("form", [
    '{"module": "builtins", "type": "tuple", "data": "(0, 1)"}',  # PyMoDAQ 5 / daqcore
    '{"module": "builtins", "type": "list", "data": "[0, 1]"}',
    "(0, 1)", "[0, 1]", "0, 1",  # raw strings (older writers)
    np.array([0, 1]), np.array([0, 1], dtype=np.int32), [0, 1], (0, 1),
])
def test_every_nav_indexes_form_keeps_the_navigation_axes(originals, tmp_path, form):
    path = tmp_path / "nav.h5"
    path.write_bytes(originals["scan"].read_bytes())
    _set_nav_indexes(path, form)
    with DataLoader(path) as loader:
        dwa = loader.load_data(SCAN_NODE)
    assert tuple(dwa.nav_indexes) == (0, 1)
    labels = {(a.label, a.units) for a in dwa.axes}
    assert {("x", "mm"), ("y", "mm"), ("wl", "nm")} <= labels
    assert dwa.shape == (4, 3, 16)


@pytest.mark.parametrize("form", [0, np.int64(0), "0", '{"module": "builtins", "type": "int", '
                                  '"data": "0"}', np.array(0)])
def test_integer_nav_indexes_of_a_1d_scan(tmp_path, form):
    path = write_scan(tmp_path / "one.h5", shape=(5, 1))
    with h5py.File(path, "a") as f:  # make it a 1D scan: one nav index
        f["RawData/Scan000/Detector000/Data0D/CH00/Data00"].attrs["nav_indexes"] = form
    with DataLoader(path) as loader:
        dwa = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    assert tuple(dwa.nav_indexes) == (0,)


@pytest.mark.parametrize("form", ["banana", "(0, 7)", "(-1,)", 1.5, "{'a': 1}", "(0, 0)",
                                  np.array([[0, 1]]), "(True,)"])
def test_unreadable_nav_indexes_is_refused_with_a_daqcore_error(originals, tmp_path, form):
    path = tmp_path / "bad_nav.h5"
    path.write_bytes(originals["scan"].read_bytes())
    _set_nav_indexes(path, form)
    with DataLoader(path) as loader, pytest.raises(AttributeDecodeError) as info:
        loader.load_data(SCAN_NODE)
    assert "nav_indexes" in str(info.value) and SCAN_NODE in str(info.value)


# ------------------------------------------------------------------ items 6, 7: hostile files
def _hostile(path: Path) -> Path:
    write_scan(path)
    with h5py.File(path, "a") as f:
        f["RawData/Scan000/loop"] = f["RawData"]  # hard link to an ancestor
        evil = f.create_group("RawData/evil\x1b[2J")
        evil.attrs["label"] = "\x1b]0;pwned\x07 \x1b[31mred"
        evil.attrs["CLASS"] = "GROUP"
        f["RawData/Scan000/Detector000/Data0D/CH00/ghost"] = h5py.SoftLink("/nowhere")
    return path


@pytest.mark.timeout(90)
def test_cli_browse_hostile_file(tmp_path):
    path = _hostile(tmp_path / "hostile.h5")
    start = time.perf_counter()
    res = daqcore_cli("browse", str(path), "--attrs")
    assert time.perf_counter() - start < CLI_TIME_BOUND
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "evil\\x1b[2J" in out and "\\x1b]0;pwned\\x07" in out
    assert "loop  <link to /RawData, already shown>" in out
    assert "ghost  <dangling link>" in out
    assert "big=" + "x" * 10 in out  # the LargeAttributes value, not its reference
    assert "RecursionError" not in res.stderr and "Traceback" not in res.stderr


@pytest.mark.timeout(60)
def test_loader_on_hard_link_loop_terminates(tmp_path):
    path = write_scan(tmp_path / "loop.h5")
    with h5py.File(path, "a") as f:
        f["RawData/Scan000/Detector000/again"] = f["RawData/Scan000"]
    with DataLoader(path) as loader:
        paths = [n.path for n in loader.walk_nodes("/")]
        dte = loader.load_all("/RawData")
    assert len(paths) == len(set(paths)) < 100
    assert sorted(d.name for d in dte) == ["spec", "temp"]


def test_loader_dangling_link_is_a_node_error(tmp_path):
    path = _hostile(tmp_path / "dangling.h5")
    with DataLoader(path) as loader, pytest.raises(NodeError, match="dangling"):
        loader.load_all("/RawData/Scan000/Detector000/Data0D")


def test_loader_array_valued_origin_is_an_attribute_error(originals, tmp_path):
    path = tmp_path / "origin.h5"
    path.write_bytes(originals["scan"].read_bytes())
    with h5py.File(path, "a") as f:
        f[SCAN_NODE].attrs["origin"] = np.arange(3)
    with DataLoader(path) as loader, pytest.raises(AttributeDecodeError, match="origin"):
        loader.load_data(SCAN_NODE)


@pytest.mark.timeout(60)
def test_loader_refuses_an_absurd_dataset_without_allocating_it(originals, tmp_path):
    path = tmp_path / "huge.h5"
    path.write_bytes(originals["scan"].read_bytes())
    with h5py.File(path, "a") as f:
        node = f[SCAN_NODE]
        attrs = dict(node.attrs)
        del f[SCAN_NODE]
        huge = f.create_dataset(SCAN_NODE, shape=(2**34, 3, 16), dtype="f8",
                                chunks=(1, 3, 16))  # 6 TiB declared, nothing stored
        for key, value in attrs.items():
            huge.attrs[key] = value
    start = time.perf_counter()
    with DataLoader(path) as loader, pytest.raises(DataTooLargeError) as info:
        loader.load_data(SCAN_NODE)
    assert time.perf_counter() - start < TIME_BOUND
    assert SCAN_NODE in str(info.value) and "TiB" in str(info.value)


# ------------------------------------------------------------------ item 12: interrupted runs
@pytest.mark.timeout(90)
def test_cli_browse_flags_a_running_status_nobody_writes(originals, tmp_path):
    from daqcore.saving.attributes import encode

    stale = tmp_path / "stale.h5"
    stale.write_bytes(originals["scan"].read_bytes())
    with h5py.File(stale, "a") as f:
        f["RawData/Scan000"].attrs["status"] = encode("running")
    fresh = tmp_path / "fresh.h5"
    fresh.write_bytes(stale.read_bytes())
    _age(stale, 600)
    res = daqcore_cli("browse", str(stale), str(fresh), "--depth", "2")
    assert res.returncode == 0, res.stderr
    stale_out, fresh_out = res.stdout.split("fresh.h5")
    assert "status=running (interrupted: nothing has written the file for 10 min" in stale_out
    assert "status=running" in fresh_out and "interrupted" not in fresh_out


# ------------------------------------------------------------------ paper cut: several files
@pytest.mark.timeout(90)
def test_cli_browse_several_files(originals, tmp_path):
    res = daqcore_cli("browse", str(originals["scan"]), str(originals["log"]), "--depth", "1")
    assert res.returncode == 0, res.stderr
    assert "scan.h5  [file]" in res.stdout and "log.h5  [file]" in res.stdout
    res = daqcore_cli("browse", str(originals["scan"]), str(tmp_path / "missing.h5"))
    assert res.returncode == 1
    assert "scan.h5  [file]" in res.stdout and "missing.h5' does not exist" in res.stderr


# ------------------------------------------------------------------ fuzz
def _damage(source: Path, target: Path, data: st.DataObject) -> Path:
    size = source.stat().st_size
    if data.draw(st.booleans(), label="truncate"):
        return truncated_copy(source, target, data.draw(st.integers(0, size - 1), label="size"))
    flips = data.draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 255)),
                               min_size=1, max_size=8), label="flips")
    return flipped_copy(source, target, flips)


@pytest.mark.timeout(120)
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_damaged_files_load_or_raise_a_daqcore_error_quickly(originals, tmp_path, data):
    kind = data.draw(st.sampled_from(sorted(originals)), label="file")
    path = _damage(originals[kind], tmp_path / "fuzz.h5", data)
    for action in (_load_everything, render_file):
        start = time.perf_counter()
        try:
            action(path)
        except DaqcoreError:
            pass
        elapsed = time.perf_counter() - start
        assert elapsed < TIME_BOUND, f"{action.__name__} took {elapsed:.1f} s"
