"""Dashboard tests: Qt offscreen, a registry with the mock plugin plus test-only plugins.

Test-only plugin records: ``faulty_0d`` (a detector whose grab raises after ``fail_after``
good grabs), a plugin whose hook raises (listed as failed), a panel that loads and one whose
factory raises.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("qtpy")
pytest.importorskip("pyqtgraph")

from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Detector, Setting
from daqcore.plugins import InstrumentRecord, PanelRecord, hookimpl, load_registry


class FaultyDetector(Detector):
    """0D detector failing with RuntimeError('sensor unplugged') after ``fail_after`` grabs."""

    dims = (DataDim.Data0D,)
    backends = (SIM,)
    params: ClassVar[Any] = (Setting("fail_after", "int", 0, limits=(0, None)),
                             Setting("init_delay", "float", 0.0, units="s"))

    def __init__(self, backend: str = "sim", **kwargs: Any) -> None:
        super().__init__(backend, **kwargs)
        self.n_grabs = 0

    def _ini_detector(self) -> str:
        time.sleep(self.settings["init_delay"])  # a slow device
        return "faulty detector ready"

    def _grab_data(self, naverage: int) -> DataToExport:
        self.n_grabs += 1
        if self.n_grabs > self.settings["fail_after"]:
            raise RuntimeError("sensor unplugged")
        return DataToExport(self.title, data=[
            DataFromPlugins("faulty", data=[np.array([float(self.n_grabs)])], units="V")])


def good_panel(parent: Any = None, registry: Any = None) -> Any:
    """A plugin panel factory that accepts the registry from the context."""
    from qtpy import QtWidgets

    label = QtWidgets.QLabel(f"panel sees {len(registry.instruments)} instruments", parent)
    label.setObjectName("good_panel")
    return label


def broken_panel(parent: Any = None) -> Any:
    raise RuntimeError("no scope connected")


class GuiTestPlugin:
    @staticmethod
    @hookimpl
    def daqcore_register_instruments(register: Any) -> None:
        register(InstrumentRecord("faulty_0d", FaultyDetector, description="fails"))

    @staticmethod
    @hookimpl
    def daqcore_register_panels(register: Any) -> None:
        register(PanelRecord("good", good_panel, title="Good panel"))
        register(PanelRecord("broken", broken_panel, title="Broken panel"))


class BrokenPlugin:
    @staticmethod
    @hookimpl
    def daqcore_register_instruments(register: Any) -> None:
        raise ImportError("vendor SDK 'acme' is not installed")


@pytest.fixture(scope="module", autouse=True)
def no_cyclic_gc_of_qt_objects() -> Iterator[None]:
    """No cyclic garbage collection while these tests run, and none of what they leave behind
    later (``gc.freeze``): collecting PySide wrappers caught in reference cycles crashed the
    interpreter now and then here, in acquisition threads and in the GUI thread alike (the
    dashboard itself collects in the GUI thread only, see ``daqcore.gui.app.application``).
    Normal collection is back for the rest of the session."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.freeze()  # what these tests left is never examined by the collector
    if was_enabled:
        gc.enable()


@pytest.fixture(scope="session")
def registry() -> Any:
    return load_registry(plugins=[("gui_test", GuiTestPlugin()), ("acme", BrokenPlugin())])


_KEEP: list[Any] = []
"""Closed test windows, kept alive until the process ends.

Destroying a whole dashboard window in the middle of the session crashed PySide (6.10 and
6.11) now and then in ``Shiboken::BindingManager::releaseWrapper``, inside Qt's destructors,
with or without Python's cyclic GC; the dashboard itself destroys its window only when it
quits. The tests therefore shut windows down (instruments closed, threads stopped, files
closed) and hide them, without deleting them."""


@pytest.fixture
def dashboard(qtbot: Any, registry: Any, tmp_path: Path) -> Iterator[Any]:
    """The dashboard window; shut down and hidden at the end (see ``_KEEP``)."""
    from daqcore.gui.main_window import Dashboard
    from daqcore.gui.saving_options import SavingOptions

    window = Dashboard(registry, popups=False)
    window.saving_options = SavingOptions(base_path=str(tmp_path / "data"))
    yield window
    window.shutdown()
    window.hide()
    _KEEP.append(window)


@pytest.fixture
def write_preset(tmp_path: Path) -> Any:
    """``write_preset(actuators, detectors, extra='')``: a preset file, modules named after
    their instrument."""

    def write(actuators: list[str], detectors: list[str], extra: str = "") -> Path:
        lines = ['title = "test bench"', extra]
        for kind, names in (("actuators", actuators), ("detectors", detectors)):
            for name in names:
                lines += [f"[[{kind}]]", f'name = "{name}"', f'instrument = "{name}"', ""]
        path = tmp_path / "preset.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    return write


@pytest.fixture
def loaded(qtbot: Any, dashboard: Any, write_preset: Any) -> Any:
    """``loaded(actuators, detectors)``: the dashboard with that preset, every module
    initialised."""

    def load(actuators: list[str], detectors: list[str]) -> Any:
        assert dashboard.load_preset_file(write_preset(actuators, detectors))
        modules = [*dashboard.actuator_modules.values(), *dashboard.detector_modules.values()]
        qtbot.waitUntil(lambda: all(m.status.text().startswith("initialised")
                                    for m in modules), timeout=5000)
        return dashboard

    return load
