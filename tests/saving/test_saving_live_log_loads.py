"""A log whose arrays have unequal lengths (a writer mid-append, or killed between two
appends) loads only its complete rows: the same rows from every channel, error bar and
time axis, never a DataWithAxes built from arrays of different lengths."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import DataLoader, DataToExportTimedSaver, H5SaverLowLevel
from daqcore.saving.array_savers import DataEnlargeableSaver
from daqcore.saving.complete_rows import cap_rows, complete_rows
from daqcore.saving.errors import NavSelectionError, NodeError

BACKENDS = ["h5py", "tables"]
DET = "/RawData/Detector000"
TEMP = f"{DET}/Data0D/CH00/EnlData00"  # channels T1 (EnlData00) and T2 (EnlData01)
SPEC = f"{DET}/Data1D/CH00/EnlData00"  # a spectrum with error bars (ErrorBar00)
TIME = f"{DET}/NavAxes/Axis00"
N_ROWS = 6


def _dte(k: int) -> DataToExport:
    temp = DataRaw("temp", units="K", data=[np.array([10.0 + k]), np.array([-1.0 * k])],
                   labels=["T1", "T2"])
    spec = DataRaw("spec", units="V", data=[np.arange(8.0) + 100 * k],
                   errors=[np.full(8, 0.5 + k)],
                   axes=[Axis("wl", units="nm", data=np.linspace(400.0, 470.0, 8), index=0)])
    dte = DataToExport("det", data=[temp, spec])
    dte.timestamp = 1000.0 + k
    return dte


def _write_log(path: Path, backend: str, n_rows: int = N_ROWS,
               extra: dict[str, int] | None = None) -> Path:
    """A log of ``n_rows`` complete samples, then ``extra[path]`` more rows appended to single
    arrays by hand (what a reader sees while a writer is between two appends)."""
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    for k in range(n_rows):
        saver.add_data(det, _dte(k))
    for node_path, n_more in (extra or {}).items():
        node = h5.get_node(node_path)
        row_shape = node.shape[1:]
        node.append_backend(np.full((n_more, *row_shape), 7777.0))
    h5.close_file()
    return path


def _check_rows(dwa, rows: range) -> None:
    """``dwa`` holds exactly the samples ``rows`` of :func:`_dte`, with their time axis."""
    ks = np.array(list(rows), dtype=float)
    assert dwa.shape[0] == len(ks)
    (time_axis,) = dwa.get_nav_axes()
    assert time_axis.label == "time" and time_axis.size == len(ks)
    np.testing.assert_array_equal(time_axis.get_data(), 1000.0 + ks)
    if dwa.name == "temp":
        np.testing.assert_array_equal(dwa.data[0], 10.0 + ks)
        np.testing.assert_array_equal(dwa.data[1], -ks)
    else:
        np.testing.assert_array_equal(dwa.data[0], np.arange(8.0) + 100 * ks[:, None])
        assert dwa.errors is not None
        np.testing.assert_array_equal(dwa.errors[0], np.broadcast_to(0.5 + ks[:, None],
                                                                     (len(ks), 8)))


# ------------------------------------------------------------------ hand-built uneven logs
UNEVEN = {
    "data ahead of the time axis": {TEMP: 1, f"{DET}/Data0D/CH00/EnlData01": 1,
                                    SPEC: 1, f"{DET}/Data1D/CH00/ErrorBar00": 1},
    "time axis ahead of the data": {TIME: 2},
    "one channel ahead of the other": {f"{DET}/Data0D/CH00/EnlData01": 2, TIME: 1},
    "channels ahead of their error bars": {SPEC: 3, TIME: 3},
}


def test_complete_rows_is_the_shortest_enlargeable_array(tmp_path: Path) -> None:
    path = tmp_path / "log.h5"
    _write_log(path, "h5py")
    with DataLoader(path) as loader:
        group = loader.get_node("/RawData/Detector000/Data0D/CH00")
        nodes = list(group.children().values())
        assert complete_rows(nodes) == N_ROWS
        assert complete_rows([group, None]) is None  # groups and None do not count
    assert cap_rows(None, 3) == 3 and cap_rows(4, None) == 4 and cap_rows(4, 3) == 3
    assert cap_rows(None, None) is None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(UNEVEN))
def test_uneven_log_loads_only_its_complete_rows(tmp_path: Path, backend: str,
                                                 case: str) -> None:
    path = _write_log(tmp_path / "uneven.h5", backend, extra=UNEVEN[case])
    with DataLoader(path, backend=backend) as loader:
        lengths = {p: loader.get_node(p).shape[0] for p in UNEVEN[case]}
        assert all(n > N_ROWS for n in lengths.values())  # the file is uneven indeed
        temp = loader.load_data(TEMP, load_all=True)
        spec = loader.load_data(SPEC)
        everything = loader.load_all(DET)
    _check_rows(temp, range(N_ROWS))
    _check_rows(spec, range(N_ROWS))
    assert [dwa.shape[0] for dwa in everything] == [N_ROWS, N_ROWS]
    for dwa in everything:
        _check_rows(dwa, range(N_ROWS))


@pytest.mark.parametrize("backend", BACKENDS)
def test_sliced_loads_stop_at_the_complete_rows(tmp_path: Path, backend: str) -> None:
    path = _write_log(tmp_path / "uneven.h5", backend, extra={TEMP: 2, TIME: 1})
    with DataLoader(path, backend=backend) as loader:
        last = loader.load_data(TEMP, load_all=True, nav=-1)
        tail = loader.load_data(TEMP, load_all=True, nav=slice(N_ROWS - 2, None))
        beyond = loader.load_data(TEMP, load_all=True, nav=slice(0, N_ROWS + 5))
        with pytest.raises(NavSelectionError, match="out of range"):
            loader.load_data(TEMP, load_all=True, nav=N_ROWS)  # row N_ROWS is incomplete
    assert [float(a[0]) for a in last.data] == [10.0 + N_ROWS - 1, 1.0 - N_ROWS]
    _check_rows(tail, range(N_ROWS - 2, N_ROWS))
    _check_rows(beyond, range(N_ROWS))


@pytest.mark.parametrize("backend", BACKENDS)
def test_node_loader_without_nav_axes_counts_channels_and_error_bars(tmp_path: Path,
                                                                      backend: str) -> None:
    path = _write_log(tmp_path / "uneven.h5", backend,
                      extra={SPEC: 2, f"{DET}/Data1D/CH00/ErrorBar00": 1})
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=False)
    try:
        dwa = DataEnlargeableSaver(h5).load_data(SPEC)
    finally:
        h5.close_file()
    assert dwa is not None and dwa.shape == (N_ROWS + 1, 8)  # the first extra row is whole
    np.testing.assert_array_equal(dwa.data[0][:N_ROWS],
                                  np.arange(8.0) + 100 * np.arange(N_ROWS)[:, None])
    np.testing.assert_array_equal(dwa.data[0][N_ROWS], np.full(8, 7777.0))
    assert dwa.errors is not None and dwa.errors[0].shape == (N_ROWS + 1, 8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_channels_of_another_row_shape_are_still_refused(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "odd.h5"
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    saver.add_data(det, _dte(0))
    group = h5.get_node(f"{DET}/Data1D/CH00")
    odd = h5.add_array(group, "EnlData01", "data_enlargeable", title="spec",
                       data_shape=(3,), array_type=np.float64, enlargeable=True,
                       data_dimension="Data1D", metadata={"nav_indexes": (0,)})
    odd.append_backend(np.zeros((1, 3)))
    h5.close_file()
    with DataLoader(path, backend=backend) as loader, \
            pytest.raises(NodeError, match="does not have the shape"):
        loader.load_data(SPEC, load_all=True)


def test_lazy_loads_read_the_complete_rows_too(tmp_path: Path) -> None:
    pytest.importorskip("dask.array")
    path = _write_log(tmp_path / "uneven.h5", "h5py",
                      extra={SPEC: 2, f"{DET}/Data1D/CH00/ErrorBar00": 2})
    with DataLoader(path) as loader:
        dwa = loader.load_data(SPEC, lazy=True)
        assert dwa.data[0].shape == (N_ROWS, 8)
        np.testing.assert_array_equal(np.asarray(dwa.data[0]),
                                      np.arange(8.0) + 100 * np.arange(N_ROWS)[:, None])


# ------------------------------------------------------------------ a writer appending
def test_loads_while_a_writer_thread_appends_are_always_whole(tmp_path: Path) -> None:
    """An h5py SWMR writer thread appends samples one by one (channels, error bars, then the
    time axis: a reader can fall between any two of them) while this thread loads the log
    again and again through an SWMR reader of the same process."""
    path = tmp_path / "live.h5"
    h5 = H5SaverLowLevel("logger", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    h5.set_swmr_flush_interval(1)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    saver.add_data(det, _dte(0))
    h5.enable_swmr()
    total = 400
    stop = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            for k in range(1, total):
                if stop.is_set():
                    return
                saver.add_data(det, _dte(k))
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            failures.append(exc)

    writer = threading.Thread(target=write, name="log writer")
    seen: list[int] = []
    with DataLoader(path, swmr_mode=True) as loader:
        writer.start()
        try:
            while writer.is_alive() or len(seen) < 3:
                loader.refresh()
                temp = loader.load_data(TEMP, load_all=True)
                spec = loader.load_data(SPEC)
                n = temp.shape[0]
                _check_rows(temp, range(n))
                _check_rows(spec, range(spec.shape[0]))
                assert not seen or n >= seen[-1]  # complete rows never go back
                seen.append(n)
        finally:
            stop.set()
            writer.join(timeout=60)
    assert not failures
    h5.close_file()
    with DataLoader(path) as loader:  # everything is there once the writer is done
        _check_rows(loader.load_data(TEMP, load_all=True), range(total))
        _check_rows(loader.load_data(SPEC), range(total))
