"""The one writing path of extended arrays (daqcore.saving.blocks: prepared point writes,
coalescing, block writes, chunk layout without pre-fill) and the swmr_auto_start policy."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import DataToExportExtendedSaver, H5SaverLowLevel
from daqcore.saving import errors as err
from daqcore.saving.blocks import PendingPoints, coalesce, scan_chunk_shape, write_blocks

BACKENDS = ["h5py", "tables"]
SHAPE = (3, 4)


def point_dte(i: int, j: int) -> DataToExport:
    d0 = DataRaw("power", units="W", data=[np.array([10.0 * i + j])])
    d1 = DataRaw("trace", units="V", data=[np.arange(5, dtype=np.int32) + i * 100 + j],
                 axes=[Axis("t", "s", np.linspace(0, 1, 5), index=0)])
    return DataToExport("det", data=[d0, d1])


def _read_all(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj[()], dict(obj.attrs))
        f.visititems(visit)
    return out


def test_coalesce_point_writes_groups_runs_and_keeps_order():
    a, b = object(), object()
    writes = []
    for j in (2, 0, 1, 4):  # out of order, with a gap at 3
        writes += [(a, (1, j), np.array([float(j)])), (b, (0, j), np.array(j))]
    writes.append((a, (1, 1), np.array([7.0])))  # written twice: the later write wins
    out = [(h is a, sel, v.tolist(), blk) for h, sel, v, blk in coalesce(writes)]
    assert out == [
        (True, (1, slice(0, 2)), [[0.0], [1.0]], True),
        (True, (1, slice(1, 3)), [[7.0], [2.0]], True),
        (True, (1, 4), [4.0], False),
        (False, (0, slice(0, 3)), [0, 1, 2], True),
        (False, (0, 4), 4, False),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_prepared_points_written_in_blocks_give_the_add_data_file(tmp_path, backend):
    files = []
    for mode in ("add_data", "blocks"):
        path = tmp_path / f"{mode}.h5"
        h5 = H5SaverLowLevel("scan", backend=backend)
        h5.init_file(path, new_file=True)
        group = h5.add_det_group(h5.raw_group, title="det")
        saver = DataToExportExtendedSaver(h5, extended_shape=SHAPE)
        saver.add_nav_axes(group, [Axis("x", "m", np.arange(3.0), index=0),
                                   Axis("y", "m", np.arange(4.0), index=1)])
        points = [(i, j) for i in range(3) for j in (range(4) if i % 2 == 0 else (3, 2, 1, 0))]
        points = points[:-2]  # not every point: the rest keeps the fill value
        if mode == "add_data":
            for i, j in points:
                saver.add_data(group, point_dte(i, j), indexes=(i, j))
        else:
            pending = PendingPoints()
            for i, j in points:
                pending.add(saver._prepare_point(group, point_dte(i, j), (i, j)))
                pending.commit()
            assert pending.n_points == len(points) and pending.nbytes > len(points) * 28
            write_blocks(h5, pending.take())
        h5.close_file()
        files.append(_read_all(path))
    ref, got = files
    assert ref.keys() == got.keys()
    for name in ref:
        np.testing.assert_array_equal(got[name][0], ref[name][0])
        assert got[name][1].keys() == ref[name][1].keys()
    data = ref["RawData/Detector000/Data1D/CH00/Data00"][0]
    assert data.shape == (3, 4, 5) and data.dtype == np.int32
    np.testing.assert_array_equal(data[1, 2], np.arange(5) + 102)


def test_prepared_point_validates_and_writes_nothing(tmp_path):
    h5 = H5SaverLowLevel("scan")
    h5.init_file(tmp_path / "p.h5", new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=SHAPE)
    writes = saver._prepare_point(group, point_dte(0, 1), (0, 1))
    assert {idx for _, idx, _ in writes} == {(0, 1)}
    with pytest.raises(err.ExtendedIndexError, match=r"\(3, 1\)"):
        saver._prepare_point(group, point_dte(0, 1), (3, 1))
    other = DataToExport("det", data=[DataRaw("power", data=[np.array([1.0])])])
    with pytest.raises(err.DataShapeError, match="power"):
        saver._prepare_point(group, other, (0, 2))
    node = h5.get_node("/RawData/Detector000/Data0D/CH00/Data00")
    assert np.isnan(node.read()).all()  # arrays created, nothing written yet
    write_blocks(h5, writes)
    assert node.read()[0, 1] == 1.0
    h5.close_file()
    with pytest.raises(err.FileClosedError):
        write_blocks(h5, writes)


def test_swmr_auto_start_constructor_policy(tmp_path):
    h5 = H5SaverLowLevel("scan", swmr_auto_start=False)
    assert h5.swmr_auto_start is False
    h5.init_file(tmp_path / "s.h5", new_file=True, swmr_mode=True)
    groups = [h5.add_det_group(h5.raw_group, title=t) for t in ("a", "b")]
    savers = [DataToExportExtendedSaver(h5, extended_shape=SHAPE) for _ in groups]
    for group, saver in zip(groups, savers):
        write_blocks(h5, saver._prepare_point(group, point_dte(0, 0), (0, 0)))
    assert not h5.is_swmr_active  # both groups created their arrays
    h5.enable_swmr()
    savers[1].add_data(groups[1], point_dte(0, 1), indexes=(0, 1))
    h5.close_file()
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert f["RawData/Detector001/Data0D/CH00/Data00"][0, 1] == 1.0
    assert H5SaverLowLevel("scan").swmr_auto_start is True


def test_coalesced_runs_are_cut_at_the_block_size():
    a = object()
    writes = [(a, (0, j), np.full(100, float(j))) for j in range(10)]  # 800 B per point
    out = [(sel, v.shape) for _, sel, v, _ in coalesce(writes, max_block_bytes=2400)]
    assert out == [((0, slice(0, 3)), (3, 100)), ((0, slice(3, 6)), (3, 100)),
                   ((0, slice(6, 9)), (3, 100)), ((0, 9), (100,))]


def test_scan_chunk_shapes_hold_whole_points():
    assert scan_chunk_shape((1000, 1000, 256), 2, 8) == (1, 63, 256)
    assert scan_chunk_shape((100, 100, 256), 2, 8) == (1, 50, 256)  # evenly filled
    assert scan_chunk_shape((1000, 1000), 2, 8) == (16, 1000)
    assert scan_chunk_shape((10, 10, 256, 256), 2, 8) == (1, 1, 256, 256)
    assert scan_chunk_shape((7,), 1, 8) == (7,)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_prefill_file_grows_with_points_and_reads_nan(tmp_path, backend):
    """Issue 10: a 300x300 scan of 1D(64) arrays (46 MB planned) with 50 points written is a
    small file; unwritten points read NaN, also through pymodaq_data's loader."""
    path = tmp_path / "big.h5"
    h5 = H5SaverLowLevel("scan", backend=backend)
    h5.init_file(path, new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=(300, 300))
    saver.add_nav_axes(group, [Axis("x", "m", np.arange(300.0), index=0),
                               Axis("y", "m", np.arange(300.0), index=1)])
    trace = DataRaw("trace", data=[np.zeros(64)])
    for j in range(50):
        trace.data[0][:] = j
        saver.add_data(group, DataToExport("det", data=[trace]), indexes=(0, j))
    h5.close_file()
    assert path.stat().st_size < 0.5e6, path.stat().st_size
    with h5py.File(path, "r") as f:
        data = f["RawData/Detector000/Data1D/CH00/Data00"]
        assert data.chunks == (1, 150, 64)
        np.testing.assert_array_equal(data[0, 49], np.full(64, 49.0))
        assert np.isnan(data[0, 50]).all() and np.isnan(data[299, 299]).all()
    from pymodaq_data.h5modules.data_saving import DataLoader as PmdLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PmdSaver

    pmd = PmdSaver()
    pmd.init_file(file_name=path, new_file=False)
    try:
        loaded = PmdLoader(pmd).load_data("/RawData/Detector000/Data1D/CH00/Data00")
        assert loaded.shape == (300, 300, 64)
        assert loaded.data[0][0, 3, 0] == 3.0 and np.isnan(loaded.data[0][5, 5, 0])
    finally:
        pmd.close_file()


def test_unvisited_bool_points_read_true_as_in_pymodaq(tmp_path):
    """PyMoDAQ pre-fills bool scan arrays with NaN cast to bool, so its unvisited points read
    True; daqcore's fill value is the same cast, read True through pymodaq_data too."""
    path = tmp_path / "bool.h5"
    h5 = H5SaverLowLevel("scan")
    h5.init_file(path, new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=(3,))
    saver.add_nav_axes(group, [Axis("x", "m", np.arange(3.0), index=0)])
    saver.add_data(group, DataToExport("d", data=[DataRaw("b", data=[np.array([True])])]),
                   indexes=(0,))
    h5.close_file()
    from pymodaq_data.h5modules.data_saving import DataLoader as PmdLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PmdSaver

    pmd = PmdSaver()
    pmd.init_file(file_name=path, new_file=False)
    try:
        loaded = PmdLoader(pmd).load_data("/RawData/Detector000/Data0D/CH00/Data00")
    finally:
        pmd.close_file()
    assert loaded.data[0].tolist() == [True, True, True]
