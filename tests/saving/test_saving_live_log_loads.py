"""A log whose arrays are one row apart (a writer mid-append, or killed between two arrays)
loads only its complete samples: data, error bars and time axis of the same length and
pairing; a reader in the writer's process never sees a half-appended row."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from daqcore.data import DataRaw, DataToExport
from daqcore.saving import DataLoader, DataToExportTimedSaver, H5SaverLowLevel
from daqcore.saving.complete_rows import cap_rows, complete_rows

BACKENDS = ["h5py", "tables"]
NODE = "/RawData/Detector000/Data0D/CH00/EnlData00"
N = 6


def _sample(k: int) -> DataToExport:
    dwa = DataRaw("temp", units="K", data=[np.array([10.0 + k]), np.array([-1.0 * k])],
                  errors=[np.array([0.1 * k]), np.array([0.2 * k])], labels=["T1", "T2"])
    dte = DataToExport("det", data=[dwa])
    dte.timestamp = 1000.0 + k
    return dte


def _log(path: Path, backend: str, n: int = N) -> None:
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True)
    try:
        det = h5.add_det_group(h5.raw_group, title="det")
        saver = DataToExportTimedSaver(h5)
        for k in range(n):
            saver.add_data(det, _sample(k))
    finally:
        h5.close_file()


def _append_rows(path: Path, backend: str, paths: list[str], rows: int = 1) -> None:
    """Append ``rows`` rows (value 99) to some arrays only: what a killed writer leaves."""
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=False)
    try:
        for where in paths:
            node = h5.get_node(where)
            row = np.full((rows, *node.shape[1:]), 99.0)
            node.append(row)
    finally:
        h5.close_file()


def _check_complete(dwa, n: int) -> None:
    assert dwa.shape == (n,)
    np.testing.assert_array_equal(dwa.data[0], 10.0 + np.arange(n))
    np.testing.assert_array_equal(dwa.data[1], -1.0 * np.arange(n))
    assert dwa.errors is not None
    np.testing.assert_allclose(dwa.errors[0], 0.1 * np.arange(n))
    times = dwa.get_nav_axes()[0]
    assert times.label == "time"
    np.testing.assert_array_equal(times.get_data(), 1000.0 + np.arange(n))


def test_complete_rows_is_the_shortest_enlargeable_array(tmp_path: Path) -> None:
    path = tmp_path / "log.h5"
    _log(path, "h5py")
    with DataLoader(path) as loader:
        group = loader.get_node("/RawData/Detector000/Data0D/CH00")
        nodes = list(group.children().values())
        assert complete_rows(nodes) == N
        assert complete_rows([group, None]) is None  # groups and None do not count
    assert cap_rows(None, 3) == 3 and cap_rows(4, None) == 4 and cap_rows(4, 3) == 3
    assert cap_rows(None, None) is None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("ahead", [
    ["/RawData/Detector000/Data0D/CH00/EnlData00"],  # one channel a row ahead
    ["/RawData/Detector000/Data0D/CH00/EnlData00",
     "/RawData/Detector000/Data0D/CH00/EnlData01"],  # data ahead of the time axis
    ["/RawData/Detector000/NavAxes/Axis00"],  # time ahead of the data
    ["/RawData/Detector000/Data0D/CH00/EnlData00",
     "/RawData/Detector000/Data0D/CH00/EnlData01",
     "/RawData/Detector000/NavAxes/Axis00"],  # error bars behind
], ids=["one-channel", "data", "time", "errors-behind"])
def test_uneven_arrays_load_only_the_complete_samples(tmp_path: Path, backend: str,
                                                      ahead: list[str]) -> None:
    path = tmp_path / f"log_{backend}.h5"
    _log(path, backend)
    _append_rows(path, backend, ahead, rows=2)
    with DataLoader(path) as loader:
        _check_complete(loader.load_data(NODE, load_all=True), N)
        single = loader.load_data(NODE)
        assert single.shape == (N,) and single.get_nav_axes()[0].size == N
        window = loader.load_data(NODE, load_all=True, nav=slice(2, None))
    assert window.shape == (N - 2,)  # an open slice ends at the complete rows too
    np.testing.assert_array_equal(window.get_nav_axes()[0].get_data(),
                                  1000.0 + np.arange(2, N))


@pytest.mark.parametrize("backend", BACKENDS)
def test_even_arrays_load_every_row(tmp_path: Path, backend: str) -> None:
    path = tmp_path / f"log_{backend}.h5"
    _log(path, backend)
    with DataLoader(path) as loader:
        _check_complete(loader.load_data(NODE, load_all=True), N)


def test_a_reader_in_the_writers_process_always_gets_whole_samples(tmp_path: Path) -> None:
    """A logging thread appends while this thread loads the growing file again and again
    through a second, SWMR handle (the dashboard's browser on its own logger's file)."""
    path = tmp_path / "live.h5"
    h5 = H5SaverLowLevel("logger", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    h5.set_swmr_flush_interval(1)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    saver.add_data(det, _sample(0))
    h5.enable_swmr()
    total = 400
    failed: list[BaseException] = []

    def write() -> None:
        try:
            for k in range(1, total):
                saver.add_data(det, _sample(k))
        except BaseException as exc:
            failed.append(exc)

    writer = threading.Thread(target=write)
    seen: list[int] = []
    try:
        with DataLoader(path, swmr_mode=True) as loader:
            writer.start()
            while writer.is_alive() or not seen or seen[-1] < total:
                loader.refresh()
                dwa = loader.load_data(NODE, load_all=True)
                _check_complete(dwa, dwa.shape[0])
                seen.append(dwa.shape[0])
                if not writer.is_alive() and seen[-1] < total:
                    loader.refresh()
                    _check_complete(loader.load_data(NODE, load_all=True), total)
                    seen.append(total)
    finally:
        writer.join()
        h5.close_file()
    assert not failed
    assert seen == sorted(seen) and seen[-1] == total
    assert len(set(seen)) > 2  # it did load while the log grew
