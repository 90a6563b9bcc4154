"""Public block-writing API of the extended saver: prepare_point / write_points,
coalesce_point_writes, write_point_block, and the swmr_auto_start constructor policy."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import (
    DataToExportExtendedSaver,
    H5SaverLowLevel,
    coalesce_point_writes,
    write_point_block,
)
from daqcore.saving import errors as err

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
    out = [(h is a, sel, v.tolist(), blk) for h, sel, v, blk in coalesce_point_writes(writes)]
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
            writes = []
            for i, j in points:
                writes += saver.prepare_point(group, point_dte(i, j), (i, j))
            saver.write_points(writes)
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


def test_prepare_point_validates_and_writes_nothing(tmp_path):
    h5 = H5SaverLowLevel("scan")
    h5.init_file(tmp_path / "p.h5", new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=SHAPE)
    writes = saver.prepare_point(group, point_dte(0, 1), (0, 1))
    assert {idx for _, idx, _ in writes} == {(0, 1)}
    with pytest.raises(err.ExtendedIndexError, match=r"\(3, 1\)"):
        saver.prepare_point(group, point_dte(0, 1), (3, 1))
    other = DataToExport("det", data=[DataRaw("power", data=[np.array([1.0])])])
    with pytest.raises(err.DataShapeError, match="power"):
        saver.prepare_point(group, other, (0, 2))
    node = h5.get_node("/RawData/Detector000/Data0D/CH00/Data00")
    assert np.isnan(node.read()).all()  # arrays created, nothing written yet
    write_point_block(h5, writes)
    assert node.read()[0, 1] == 1.0
    h5.close_file()
    with pytest.raises(err.FileClosedError):
        write_point_block(h5, writes)


def test_swmr_auto_start_constructor_policy(tmp_path):
    h5 = H5SaverLowLevel("scan", swmr_auto_start=False)
    assert h5.swmr_auto_start is False
    h5.init_file(tmp_path / "s.h5", new_file=True, swmr_mode=True)
    groups = [h5.add_det_group(h5.raw_group, title=t) for t in ("a", "b")]
    savers = [DataToExportExtendedSaver(h5, extended_shape=SHAPE) for _ in groups]
    for group, saver in zip(groups, savers):
        saver.write_points(saver.prepare_point(group, point_dte(0, 0), (0, 0)))
    assert not h5.is_swmr_active  # both groups created their arrays
    h5.enable_swmr()
    savers[1].add_data(groups[1], point_dte(0, 1), indexes=(0, 1))
    h5.close_file()
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert f["RawData/Detector001/Data0D/CH00/Data00"][0, 1] == 1.0
    assert H5SaverLowLevel("scan").swmr_auto_start is True
