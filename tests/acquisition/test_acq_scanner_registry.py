"""Scanners as plugins: the ``daqcore_scanners`` hook, typed parameters, lazy iteration."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from daqcore.acquisition.adaptive import ScannerAdaptive1D
from daqcore.acquisition.errors import OutOfBoundsError, ScanConfigurationError, ScannerError
from daqcore.acquisition.scanner_registry import (
    ParameterSpec,
    ScannerSpec,
    available_scanners,
    create_scanner,
)
from daqcore.acquisition.scanners import ScannerGrid, ScannerSpread, ScannerTabular, ScanStep
from daqcore.plugins import hookimpl

BUILTINS = ["adaptive", "grid", "linear", "random", "spread", "tabular"]


def test_builtin_scanners_come_through_the_hook(make_registry):
    registry = make_registry()  # no entry points: the built-in plugin is still found
    specs = available_scanners(registry)
    assert list(specs) == BUILTINS
    assert {s.plugin for s in specs.values()} == {"daqcore-scanners"}
    grid = specs["grid"]
    assert grid.summary and set(grid.parameters) == {"axes", "order", "seed", "labels", "units"}
    order = grid.parameters["order"]
    assert (order.name, order.type, order.default) == ("order", str, "normal")
    assert grid.parameters["axes"].required and not order.required


def test_installed_entry_point_registers_the_builtins():
    specs = available_scanners()
    assert set(BUILTINS) <= set(specs)


class SpiralPlugin:
    """A third party's scanner: registered exactly like the built-ins."""

    @hookimpl
    def daqcore_scanners(self):
        def spiral(turns: float, n_points: int) -> ScannerSpread:
            t = np.linspace(0, 2 * np.pi * turns, n_points)
            return ScannerSpread(points=np.column_stack([t * np.cos(t), t * np.sin(t)]))

        return [ScannerSpec("Spiral", spiral, "archimedean spiral", [
            ParameterSpec("turns", float, 2.0, "number of turns"),
            ParameterSpec("n_points", int, help="points on the path")])]


def test_third_party_scanner_is_created_by_name(make_registry):
    registry = make_registry(plugins=[("spiral_plugin", SpiralPlugin())])
    specs = available_scanners(registry)
    assert specs["spiral"].plugin == "spiral_plugin"
    scanner = create_scanner("SPIRAL", {"n_points": "7"}, registry=registry)
    assert scanner.n_steps == 7 and scanner.n_axes == 2
    assert scanner.positions[0].tolist() == [0.0, 0.0]


class BrokenPlugin:
    @hookimpl
    def daqcore_scanners(self):
        return ["not a spec"]


class ThiefPlugin:
    @hookimpl
    def daqcore_scanners(self):
        return [ScannerSpec("grid", ScannerGrid, "steals the name")]


def test_bad_and_duplicate_scanner_plugins_are_reported(make_registry):
    registry = make_registry(plugins=[("broken", BrokenPlugin()), ("thief", ThiefPlugin())])
    specs = available_scanners(registry)
    assert specs["grid"].plugin == "daqcore-scanners"
    stages = {(f.plugin, f.stage) for f in registry.failures}
    assert stages == {("broken", "hook"), ("thief", "duplicate")}


@pytest.mark.parametrize("name, params, message", [
    ("spiral", {}, r"unknown scanner 'spiral'; known scanners: adaptive, grid, linear"),
    ("grid", {"axes": [[0, 1, 0.5]], "speed": 3}, r"no parameter 'speed'; its parameters: axes"),
    ("grid", {}, r"needs parameter 'axes'"),
    ("linear", {"start": 0, "stop": 1, "step": "fast"}, r"'step' must be float, got 'fast'"),
    ("random", {"n_points": 2.7, "bounds": [[0, 1]]}, r"'n_points' must be int, got 2.7"),
    ("random", {"n_points": True, "bounds": [[0, 1]]}, r"'n_points' must be int, got True"),
    ("grid", {"axes": "a,b,c"}, r"'axes' must be table"),
    ("grid", {"axes": [[0, 1, 1]], "order": "spiral"}, r"'order' must be one of"),
    ("grid", {"axes": [[0, 1, 1]], "labels": 5}, r"'labels' must be list\[str\] \| None"),
])
def test_bad_scanner_requests_name_the_problem(make_registry, name, params, message):
    with pytest.raises(ScanConfigurationError, match=message):
        create_scanner(name, params, registry=make_registry())


def test_text_parameters_are_parsed_like_python_values(make_registry):
    registry = make_registry()
    from_text = create_scanner("grid", {"axes": "0,1,0.5;10,11,1", "order": "snake",
                                        "seed": "none"}, registry=registry)
    from_values = ScannerGrid(axes=[(0, 1, 0.5), (10, 11, 1)], order="snake")
    np.testing.assert_array_equal(from_text.positions, from_values.positions)
    json_axes = create_scanner("grid", {"axes": "[[0, 1, 0.5]]"}, registry=registry)
    assert json_axes.extended_shape == (3,)
    tab = create_scanner("tabular", {"table": [[0, 0], [1, 1]], "step": 0.5},
                         registry=registry)
    assert isinstance(tab, ScannerTabular) and tab.n_steps == 4
    with pytest.raises(ScanConfigurationError, match="exactly one of 'table' or 'file'"):
        create_scanner("tabular", {}, registry=registry)
    with pytest.raises(ScannerError, match="step must be non-zero"):
        create_scanner("linear", {"start": 0, "stop": 1, "step": 0}, registry=registry)


def _first_step_cost(make):
    tracemalloc.start()
    t0 = time.perf_counter()
    scanner = make()
    first = next(iter(scanner))
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return scanner, first, elapsed, peak


@pytest.mark.parametrize("order", ["normal", "snake"])
def test_huge_grid_reaches_its_first_point_without_listing_points(order):
    scanner, first, _, peak = _first_step_cost(
        lambda: ScannerGrid(axes=[(0, 1999, 1), (0, 1999, 1)], order=order))
    assert scanner.n_steps == 4_000_000
    assert first == ScanStep(0, (0, 0), (0.0, 0.0))
    assert peak < 5e6, f"{peak / 1e6:.1f} MB traced before the first point"
    # the time to the first point is measured by benchmarks/bench_scale.py, not asserted here


def test_long_tabular_walk_is_computed_segment_by_segment():
    scanner, first, _, peak = _first_step_cost(
        lambda: ScannerTabular(table=[[0, 0], [1, 0], [1, 1]], step=2e-6))
    assert scanner.n_steps == 1_000_001 and first.positions == (0.0, 0.0)
    assert peak < 5e6


def test_lazy_chunks_match_the_whole_walk():
    sc = ScannerTabular(table=[[0, 0], [1, 0], [1, 0], [1, 2]], step=0.3)
    chunks = [p for _, p, _ in sc.iter_chunks(chunk=3)]
    np.testing.assert_allclose(np.concatenate(chunks), sc.positions)
    steps = list(sc)
    assert [s.step for s in steps] == list(range(sc.n_steps))
    assert steps[-1].positions == (1.0, 2.0)
    assert sc.bounds() == [(0.0, 1.0), (0.0, 2.0)]


class _Bounded:
    def __init__(self, lo, hi):
        self.bounds = (lo, hi)


def test_bounds_check_uses_axis_ranges_and_names_the_first_bad_point():
    from daqcore.acquisition.drive import check_all_targets

    grid = ScannerGrid(axes=[(0, 999, 1), (0, 999, 1)], order="snake")
    check_all_targets([_Bounded(0, 999), _Bounded(0, 999)], ["x", "y"], grid)
    with pytest.raises(OutOfBoundsError) as info:
        check_all_targets([_Bounded(0, 999), _Bounded(0, 998.5)], ["x", "y"], grid)
    assert (info.value.actuator, info.value.value, info.value.point_index) == ("y", 999.0, 999)
    with pytest.raises(ScanConfigurationError, match="drives 2 actuator"):
        check_all_targets([_Bounded(0, 1)], ["x"], grid)


class _Point:
    def __init__(self, y):
        from daqcore.data import DataRaw, DataToExport

        self.detector_data = (DataToExport("d", data=[DataRaw("sig", data=[np.array([y])])]),)


def test_adaptive_scanner_refines_where_the_signal_steps():
    sc = ScannerAdaptive1D(start=0.0, stop=1.0, n_points=25, n_initial=5)
    xs = []
    for step in sc:
        x = step.positions[0]
        xs.append(x)
        sc.tell(_Point(1.0 if x > 0.62 else 0.0))
    assert len(xs) == 25 == len(set(xs))
    near_step = sum(1 for x in xs if 0.5 <= x <= 0.75)
    assert near_step >= 15, sorted(xs)
    assert xs[:5] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_adaptive_scanner_without_data_bisects_and_is_registered(make_registry):
    sc = create_scanner("adaptive", {"start": 0, "stop": 1, "n_points": 9, "n_initial": 2},
                        registry=make_registry())
    xs = sorted(step.positions[0] for step in sc)
    np.testing.assert_allclose(xs, np.linspace(0, 1, 9))
    assert sc.adaptive and not sc.positions_known
    with pytest.raises(ScannerError, match="adaptive"):
        _ = sc.positions
    with pytest.raises(ScannerError, match="n_initial"):
        ScannerAdaptive1D(start=0, stop=1, n_points=3, n_initial=5)


def test_listing_the_builtin_scanner_plugin_imports_no_numpy():
    """The plugin module is loaded by every ``daqcore --help`` / ``daqcore plugins``: loading
    it imports no acquisition code; calling its hook imports neither numpy nor the data layer."""
    import subprocess
    import sys

    heavy = "('numpy', 'pint', 'daqcore.data', 'daqcore.acquisition')"
    code = ("import sys, daqcore_plugins.scanners.plugin as p; "
            f"print(sorted(m for m in {heavy} if m in sys.modules)); "
            "specs = p.daqcore_scanners(); "
            f"print(len(specs), sorted(m for m in {heavy}[:3] if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "6 []"]
