"""Scanners: positions, storage indexes, extended shape and navigation axes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daqcore.acquisition.errors import ScannerError
from daqcore.acquisition.scanners import (
    Scanner1DLinear,
    Scanner2DGrid,
    ScannerGrid,
    ScannerSpread,
    ScannerTabular,
    linear_values,
)
from daqcore.data import DataDistribution


def test_linear_values_include_stop_and_follow_direction():
    np.testing.assert_allclose(linear_values(0, 1, 0.25), [0, 0.25, 0.5, 0.75, 1])
    # sign of the step comes from stop - start, as in PyMoDAQ
    np.testing.assert_allclose(linear_values(1, 0, 0.5), [1, 0.5, 0])
    np.testing.assert_allclose(linear_values(1, 0, -0.5), [1, 0.5, 0])
    # stop not on the grid: last value below stop
    np.testing.assert_allclose(linear_values(0, 1, 0.3), [0, 0.3, 0.6, 0.9])
    np.testing.assert_allclose(linear_values(2, 2, 0.1), [2])


@pytest.mark.parametrize("bad", [(0, 1, 0), (0, float("nan"), 0.1), (0, 1, float("inf"))])
def test_linear_values_reject_bad_steps(bad):
    with pytest.raises(ScannerError, match=r"step|finite"):
        linear_values(*bad)


def test_1d_linear_scanner():
    sc = Scanner1DLinear(-1, 1, 0.5, label="x", units="mm")
    assert sc.extended_shape == (5,)
    assert sc.n_steps == len(sc) == 5
    assert sc.distribution is DataDistribution.uniform
    np.testing.assert_allclose(sc.positions[:, 0], [-1, -0.5, 0, 0.5, 1])
    assert sc.indexes[:, 0].tolist() == [0, 1, 2, 3, 4]
    steps = list(sc)
    assert steps[2].step == 2 and steps[2].indexes == (2,) and steps[2].positions == (0.0,)
    (axis,) = sc.get_nav_axes()
    assert axis.label == "x" and axis.units == "mm" and axis.index == 0
    np.testing.assert_allclose(axis.get_data(), [-1, -0.5, 0, 0.5, 1])


def test_2d_grid_raster_order_and_axes():
    sc = Scanner2DGrid((0, 2, 1), (10, 11, 0.5), labels=["x", "y"], units=["mm", "um"])
    assert sc.extended_shape == (3, 3)
    assert sc.indexes.tolist()[:4] == [[0, 0], [0, 1], [0, 2], [1, 0]]
    assert sc.positions.tolist()[:4] == [[0, 10], [0, 10.5], [0, 11], [1, 10]]
    ax0, ax1 = sc.get_nav_axes()
    assert (ax0.label, ax0.units, ax0.index) == ("x", "mm", 0)
    assert (ax1.label, ax1.units, ax1.index) == ("y", "um", 1)
    np.testing.assert_allclose(ax1.get_data(), [10, 10.5, 11])
    assert sc.bounds() == [(0.0, 2.0), (10.0, 11.0)]


def test_2d_grid_snake_reverses_every_other_row():
    sc = Scanner2DGrid((0, 2, 1), (0, 2, 1), snake=True)
    assert sc.indexes.tolist() == [
        [0, 0], [0, 1], [0, 2], [1, 2], [1, 1], [1, 0], [2, 0], [2, 1], [2, 2],
    ]
    assert sc.scan_subtype == "LinearBack&Forth"
    # every position matches the grid values at its storage index
    for (i, j), (x, y) in zip(sc.indexes, sc.positions):
        assert (x, y) == (float(i), float(j))


def _grid_shapes():
    return st.lists(st.integers(1, 4), min_size=1, max_size=3)


@settings(max_examples=30, deadline=None)
@given(_grid_shapes(), st.sampled_from(["normal", "snake", "random"]), st.integers(0, 10))
def test_grid_visits_each_point_once_and_positions_match_indexes(shape, order, seed):
    axes = [(0.0, float(n - 1), 1.0) for n in shape]
    sc = ScannerGrid(axes=axes, order=order, seed=seed)
    assert sc.extended_shape == tuple(shape)
    assert sc.n_steps == int(np.prod(shape))
    visited = {tuple(i) for i in sc.indexes.tolist()}
    assert len(visited) == sc.n_steps
    np.testing.assert_array_equal(sc.positions, sc.indexes.astype(float))
    if order == "snake":
        # consecutive points are neighbours on the grid (one step along one dimension)
        jumps = np.abs(np.diff(sc.indexes, axis=0)).sum(axis=1)
        assert np.all(jumps == 1)


def test_random_order_is_seeded():
    a = ScannerGrid(axes=[(0, 4, 1), (0, 4, 1)], order="random", seed=3)
    b = ScannerGrid(axes=[(0, 4, 1), (0, 4, 1)], order="random", seed=3)
    np.testing.assert_array_equal(a.indexes, b.indexes)
    assert a.indexes.tolist() != ScannerGrid(axes=[(0, 4, 1), (0, 4, 1)]).indexes.tolist()


def test_spread_scanner_stores_points_with_spread_axes():
    pts = [[0, 0], [1, 0.5], [2, -1]]
    sc = ScannerSpread(points=pts, labels=["x", "y"], units="mm")
    assert sc.extended_shape == (3,)
    assert sc.distribution is DataDistribution.spread
    assert sc.indexes[:, 0].tolist() == [0, 1, 2]
    ax0, ax1 = sc.get_nav_axes()
    assert (ax0.index, ax0.spread_order, ax1.index, ax1.spread_order) == (0, 0, 0, 1)
    np.testing.assert_allclose(ax1.get_data(), [0, 0.5, -1])
    assert ax0.units == ax1.units == "mm"


def test_spread_random_within_bounds_and_seeded():
    sc = ScannerSpread.random(50, [(0, 1), (-5, -4)], seed=1)
    assert sc.positions.shape == (50, 2)
    assert np.all((sc.positions[:, 0] >= 0) & (sc.positions[:, 0] <= 1))
    assert np.all((sc.positions[:, 1] >= -5) & (sc.positions[:, 1] <= -4))
    again = ScannerSpread.random(50, [(0, 1), (-5, -4)], seed=1)
    np.testing.assert_array_equal(sc.positions, again.positions)


def test_tabular_rows_and_curvilinear_walk(tmp_path):
    table = [[0, 0], [1, 0], [1, 2]]
    sc = ScannerTabular(table=table)
    np.testing.assert_array_equal(sc.positions, np.array(table, dtype=float))
    walked = ScannerTabular(table=table, step=0.5)
    expected = [[0, 0], [0.5, 0], [1, 0], [1, 0.5], [1, 1], [1, 1.5], [1, 2]]
    np.testing.assert_allclose(walked.positions, expected)
    assert walked.extended_shape == (7,)
    assert walked.distribution is DataDistribution.spread
    f = tmp_path / "table.csv"
    f.write_text("# x, y\n0, 0\n1, 0\n1, 2\n")
    from_file = ScannerTabular.from_file(str(f))
    np.testing.assert_array_equal(from_file.positions, sc.positions)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ScannerGrid(axes=[]),
        lambda: ScannerGrid(axes=[(0, 1)]),
        lambda: ScannerGrid(axes=[(0, 1, 0.5)], order="spiral"),
        lambda: ScannerSpread(points=[]),
        lambda: ScannerSpread(points=[[0, float("nan")]]),
        lambda: ScannerSpread(points=[["a"]]),
        lambda: ScannerSpread.random(0, [(0, 1)]),
        lambda: ScannerSpread.random(3, [(1, 0)]),
        lambda: ScannerTabular(table=[[0, 0], [1, 1]], step=-1),
        lambda: ScannerGrid(axes=[(0, 1, 0.5)], labels=["a", "b"]),
        lambda: ScannerTabular.from_file("/nonexistent/table.csv"),
    ],
)
def test_bad_scanner_parameters_raise_scanner_error(make):
    with pytest.raises(ScannerError):
        make()


def test_scanner_arrays_are_read_only():
    sc = Scanner1DLinear(0, 1, 0.5)
    with pytest.raises(ValueError):
        sc.positions[0, 0] = 5
