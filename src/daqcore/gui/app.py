"""Start the dashboard: the Qt application, the window, an optional preset, screenshots.

``daqcore dashboard`` calls :func:`run_dashboard`. With ``screenshot`` the window is grabbed
from the screen (a real screen capture on X11, the widget's rendering elsewhere) once it has
been shown for ``settle`` seconds, and the application quits.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.util.garbage_collector import GarbageCollector
from qtpy import QtCore, QtWidgets

from daqcore.gui.main_window import Dashboard

_COLLECTOR: GarbageCollector | None = None


def application() -> QtWidgets.QApplication:
    """The QApplication (created once).

    It also moves Python's cyclic garbage collection to the GUI thread (pyqtgraph's
    ``GarbageCollector``, every 0.5 s): a Qt object caught in a reference cycle must not be
    destroyed by a collection that happens to run in an acquisition thread.
    """
    global _COLLECTOR
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = pg.mkQApp("daqcore dashboard")
    if _COLLECTOR is None:
        _COLLECTOR = GarbageCollector(interval=0.5)
    assert isinstance(app, QtWidgets.QApplication)
    return app


def create_dashboard(preset: str | Path | None = None, *, registry: object = None,
                     popups: bool = True) -> Dashboard:
    """Build the window (not shown) and load ``preset`` if given."""
    application()
    window = Dashboard(registry, popups=popups)
    if preset is not None:
        window.load_preset_file(preset)
    return window


def dispose(widget: QtWidgets.QWidget) -> None:
    """Close ``widget`` and destroy it now, while this reference keeps its Python wrapper alive.

    A top-level widget left to Python's cyclic garbage collector (its wrapper caught in a
    reference cycle, e.g. through a lambda slot) may have its children's wrappers freed before
    Qt deletes the children, which crashes PySide. Deleting the widget deterministically first
    avoids it: Qt destroys the tree and invalidates every wrapper in order.
    """
    shutdown = getattr(widget, "shutdown", None)
    if callable(shutdown):
        shutdown()
    widget.close()
    widget.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


def grab_screen(window: QtWidgets.QWidget, path: str | Path) -> bool:
    """Save a capture of ``window`` as it is on screen (the whole screen area it covers)."""
    app = application()
    screen = window.screen() or app.primaryScreen()
    if app.platformName() in ("xcb", "wayland") and screen is not None:
        geometry = window.frameGeometry()
        pixmap = screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(),
                                   geometry.height())
    else:
        pixmap = window.grab()
    return bool(pixmap.save(str(path)))


def run_dashboard(preset: str | Path | None = None, *, screenshot: str | Path | None = None,
                  quit_after: float | None = None, settle: float = 1.5) -> int:
    """Run the dashboard until its window is closed; returns the exit code.

    Parameters
    ----------
    preset : path, optional
        Preset file to load (an unreadable one gives a message; the dashboard still starts).
    screenshot : path, optional
        Save a screen capture of the window after ``settle`` seconds, then quit.
    quit_after : float, optional
        Quit after that many seconds (start-up checks, benchmarks).
    """
    t0 = time.perf_counter()
    app = application()
    window = create_dashboard(preset)
    window.show()
    startup = time.perf_counter() - t0

    def snap() -> None:
        assert screenshot is not None
        ok = grab_screen(window, screenshot)
        print(f"screenshot {'saved' if ok else 'FAILED'}: {screenshot} "
              f"(platform {app.platformName()}, start-up {startup:.2f} s)", flush=True)
        window.close()

    if screenshot is not None:
        QtCore.QTimer.singleShot(int(settle * 1000), snap)
    if quit_after is not None:
        QtCore.QTimer.singleShot(int(quit_after * 1000), window.close)
    code = app.exec()
    window.shutdown()
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_dashboard(sys.argv[1] if len(sys.argv) > 1 else None))
