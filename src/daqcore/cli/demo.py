"""``daqcore demo``: a 2D scan of simulated instruments, saved, reloaded and checked.

The demo creates the mock stage actuators (``mock_x``, ``mock_y``) and detectors
(``mock_0d``, ``mock_1d``) through the plugin registry -- plus a simulated Joulescope detector
when its plugin registered one -- scans an 11 x 11 grid, saves it in PyMoDAQ's layout, reloads
every channel with :class:`~daqcore.saving.DataLoader`, checks that the reloaded values equal
the grabbed ones *exactly*, and prints a short report. ``--plot out.png`` draws the scan image.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

if TYPE_CHECKING:
    from daqcore.data import Axis, DataWithAxes

ACTUATORS = ("mock_x", "mock_y")
DETECTORS = ("mock_0d", "mock_1d")
GRID = ((-2.0, 2.0, 0.4), (-1.5, 1.5, 0.3))
#: Settings of the simulated Joulescope for the demo: 1 ms windows computed on demand.
JOULESCOPE_SIM_SETTINGS = {"sim_realtime": False, "window": 1e-3, "display_points": 100}


def find_joulescope_detector(registry: Any) -> str | None:
    """Name of a detector registered by a Joulescope plugin, or None."""
    for record in registry.detectors():
        if "joulescope" in record.plugin.lower() or record.name.lower().startswith("joulescope"):
            return record.name
    return None


def _compare(loaded: Any, grabbed: dict[tuple[str, str], list[list[np.ndarray]]],
             steps: list[tuple[int, ...]]) -> tuple[bool, str]:
    """Check each reloaded DataWithAxes against the arrays grabbed at each point."""
    key = (loaded.origin, loaded.name)
    if key not in grabbed:
        return False, f"{loaded.full_name}: not grabbed"
    for ch, channel in enumerate(loaded.data):
        for step, indexes in enumerate(steps):
            expected = grabbed[key][step][ch]
            got = np.asarray(channel[indexes]).reshape(expected.shape)
            if not np.array_equal(got, expected):
                return False, f"{loaded.full_name} channel {ch} differs at point {step}"
    return True, ""


def _nav_axis(dwa: DataWithAxes, index: int) -> Axis:
    """The navigation axis of dimension ``index`` of the reloaded scan (the scan saved it)."""
    axis = dwa.get_axis_from_index(index)[0]
    if axis is None:
        raise RuntimeError(f"{dwa.name}: the reloaded scan has no axis for dimension {index}")
    return axis


def _try_optional_detector(stack: contextlib.ExitStack, open_instruments: Any, name: str,
                           notes: list[str]) -> Any:
    """Open an optional detector; None (with a note) if it fails, is slow or unstable."""
    from daqcore.instruments.errors import SettingsError

    try:
        try:  # short windows synthesised on demand keep the demo quick
            _, (det,) = stack.enter_context(
                open_instruments([], [name], settings={name: JOULESCOPE_SIM_SETTINGS}))
        except SettingsError:  # another plugin's detector without those settings
            _, (det,) = stack.enter_context(open_instruments([], [name]))
        first = det.grab_data()  # untimed: one-time costs (lazy imports, device warm-up)
        t0 = time.perf_counter()
        second = det.grab_data()
        per_grab = time.perf_counter() - t0
    except Exception as exc:  # an optional plugin must never break the demo
        notes.append(f"{name} could not start ({type(exc).__name__}: {exc}): skipped")
        return None
    shapes = [[d.shape for d in dte] for dte in (first, second)]
    if shapes[0] != shapes[1]:
        notes.append(f"{name} returns data of varying shape {shapes}: skipped")
        return None
    if per_grab > 0.05:
        notes.append(f"{name} takes {per_grab * 1e3:.0f} ms per grab: skipped to stay quick")
        return None
    notes.append(f"{name} (simulated Joulescope) included")
    return det


def run_demo(output: str | Path | None = None, plot: str | Path | None = None,
             echo: Callable[[str], None] = click.echo) -> dict[str, Any]:
    """Run the demo; print with ``echo``; return the key facts (path, checks, timings).

    Raises
    ------
    click.ClickException
        When the reloaded data do not match the grabbed data (the demo is also a self-test).
    """
    from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments
    from daqcore.plugins import get_registry
    from daqcore.saving import DataLoader

    if plot:
        _require_matplotlib()  # fail before scanning, not after
    registry = get_registry()
    detectors = list(DETECTORS)
    joulescope = find_joulescope_detector(registry)
    notes = []
    if joulescope is not None:
        detectors.append(joulescope)
    else:
        notes.append("no Joulescope detector registered (plugin absent): skipped")
    scanner = Scanner2DGrid(*GRID)
    grabbed: dict[tuple[str, str], list[list[np.ndarray]]] = {}
    steps: list[tuple[int, ...]] = []

    def keep(event: Any) -> None:
        if event.kind != "point":
            return
        steps.append(event.indexes)
        for dte in event.data:
            for dwa in dte:
                grabbed.setdefault((dwa.origin, dwa.name), []).append(
                    [np.array(a, copy=True) for a in dwa.data])

    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        acts, dets = stack.enter_context(
            open_instruments(ACTUATORS, DETECTORS, settings={"mock_1d": {"npoints": 128}}))
        if joulescope is not None:
            extra = _try_optional_detector(stack, open_instruments, joulescope, notes)
            if extra is None:
                detectors.remove(joulescope)
                joulescope = None
            else:
                dets.append(extra)
        scan = Scan(acts, dets, scanner, path=output or "daqcore_data",
                    title="daqcore demo")
        scan.subscribe(keep)
        result = scan.run()
    t_scan = time.perf_counter() - t0

    checks = []
    t1 = time.perf_counter()
    with DataLoader(result.path) as loader:
        for det_name, group in result.detector_groups.items():
            for dwa in loader.load_all(group):
                ok, why = _compare(dwa, grabbed, steps)
                nav_axes = sorted(dwa.get_nav_axes(), key=lambda a: a.index)
                nav = [a.label for a in nav_axes]
                expected_nav = scanner.axis_values()
                if ok and (len(nav_axes) != len(expected_nav) or not all(
                        np.array_equal(a.get_data(), v)
                        for a, v in zip(nav_axes, expected_nav))):
                    ok, why = False, f"{dwa.full_name}: navigation axes differ from the scan"
                checks.append({"detector": det_name, "data": dwa.full_name,
                               "shape": dwa.shape, "units": dwa.units, "nav_axes": nav,
                               "exact": ok, "problem": why})
        spot = loader.load_data(result.detector_groups["mock_0d"] + "/Data0D/CH00/Data00")
    t_load = time.perf_counter() - t1

    echo(f"daqcore demo: {scanner.describe()} over {', '.join(ACTUATORS)}; "
         f"detectors {', '.join(detectors)}")
    for note in notes:
        echo(f"  note: {note}")
    echo(f"  scan: {result.n_points_done}/{result.n_points} points in {result.elapsed:.2f} s "
         f"({result.points_per_second:.0f} points/s); total with instrument setup "
         f"{t_scan:.2f} s")
    echo(f"  reload: {len(checks)} data objects with DataLoader in {t_load:.3f} s")
    for c in checks:
        shape = "x".join(map(str, c["shape"]))
        status = "exact match" if c["exact"] else f"MISMATCH ({c['problem']})"
        echo(f"    {c['data']:24s} {shape:>10s} [{c['units'] or '-'}] nav {c['nav_axes']}: "
             f"{status}")
    ix, iy = np.unravel_index(np.nanargmax(spot.data[0]), spot.data[0].shape)
    x_axis, y_axis = (_nav_axis(spot, i) for i in (0, 1))
    peak = (float(x_axis.get_data()[ix]), float(y_axis.get_data()[iy]))
    echo(f"  brightest point of the spot at x={peak[0]:.2f} {x_axis.units}, "
         f"y={peak[1]:.2f} {y_axis.units}")
    if plot:
        _plot(spot, Path(plot))
        echo(f"  plot: {plot}")
    echo(f"  file: {result.path}")
    echo("  browse it with: daqcore browse " + str(result.path))
    all_exact = all(c["exact"] for c in checks)
    if not all_exact:
        raise click.ClickException("reloaded data differ from the grabbed data (see above)")
    return {"path": result.path, "n_points": result.n_points_done, "checks": checks,
            "all_exact": all_exact, "peak": peak, "joulescope": joulescope,
            "scan_seconds": result.elapsed, "load_seconds": t_load}


def _require_matplotlib() -> Any:
    """The matplotlib module, or a clear error naming the extra that installs it."""
    try:
        import matplotlib
    except ImportError as exc:
        raise click.ClickException(
            "--plot needs matplotlib: pip install 'daqcore[plot]'") from exc
    return matplotlib


def _plot(spot: Any, path: Path) -> None:
    """The 0D map (spot channel) against the two navigation axes, as a PNG."""
    matplotlib = _require_matplotlib()
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_axis, y_axis = (_nav_axis(spot, i) for i in (0, 1))
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    mesh = ax.pcolormesh(x_axis.get_data(), y_axis.get_data(), spot.data[0].T, shading="nearest")
    ax.set_xlabel(f"{x_axis.label} ({x_axis.units})")
    ax.set_ylabel(f"{y_axis.label} ({y_axis.units})")
    ax.set_title(f"{spot.name}: {spot.labels[0]}")
    fig.colorbar(mesh, ax=ax, label=spot.units or "")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    except (OSError, ValueError) as exc:  # unwritable place, unknown image format
        raise click.ClickException(f"cannot write the plot {str(path)!r}: {exc}") from exc
    finally:
        plt.close(fig)


@click.command("demo")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output directory or .h5 file. [./daqcore_data]")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save an image of the scan (PNG) to this path.")
def demo(output: Path | None, plot: Path | None) -> None:
    """2D scan of simulated instruments: save, reload, check exactly, report.

    Ctrl-C (or SIGTERM) ends the demo with exit code 130 (143); the file is closed.
    """
    from daqcore.cli.foreground import error_text, exit_interrupted, stop_signals
    from daqcore.errors import DaqcoreError

    try:
        with stop_signals():
            run_demo(output=output, plot=plot)
    except KeyboardInterrupt as exc:
        raise exit_interrupted(exc, "the demo stopped") from None
    except DaqcoreError as exc:
        raise click.ClickException(error_text(exc)) from exc


__all__ = ["demo", "find_joulescope_detector", "run_demo"]
