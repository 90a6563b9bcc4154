"""The dashboard window: setup (plugins, presets), modules, scan, logger, browser, plugin panels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qtpy import QtCore, QtGui, QtWidgets

from daqcore.gui.actuator_module import ActuatorModule
from daqcore.gui.bridge import GuiBridge
from daqcore.gui.detector_module import DetectorModule
from daqcore.gui.errors import GuiError, PresetError
from daqcore.gui.h5_browser import H5Browser
from daqcore.gui.logger_panel import LoggerPanel
from daqcore.gui.module_base import UnavailableModule
from daqcore.gui.modules_area import ModulesArea
from daqcore.gui.plugin_panels import LoadedPanel, load_panels
from daqcore.gui.plugins_view import PluginsView
from daqcore.gui.preset import ModuleSpec, Preset, load_preset
from daqcore.gui.preset_builder import PresetBuilder
from daqcore.gui.saving_dialog import SavingSettingsDialog
from daqcore.gui.saving_options import SavingOptions
from daqcore.gui.scan_panel import ScanPanel
from daqcore.gui.status_line import describe_error


class Dashboard(QtWidgets.QMainWindow):
    """The daqcore dashboard.

    Parameters
    ----------
    registry : Registry, optional
        Plugin registry (default: the process-wide one).
    popups : bool
        Show errors in a (non-modal) message box too, not only in the status bar.
    """

    modules_changed = QtCore.Signal()

    def __init__(self, registry: Any = None, *, popups: bool = True,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        if registry is None:
            from daqcore.plugins import get_registry

            registry = get_registry()
        self.registry = registry
        self.popups = popups
        self.bridge = GuiBridge(self)
        self.saving_options = SavingOptions()
        self.actuator_modules: dict[str, ActuatorModule] = {}
        self.detector_modules: dict[str, DetectorModule] = {}
        self.unavailable_modules: dict[str, UnavailableModule] = {}
        self.messages: list[tuple[str, bool]] = []
        self.preset: Preset | None = None
        self.last_file: Path | None = None
        self._message_boxes: list[QtWidgets.QMessageBox] = []
        self.setWindowTitle("daqcore dashboard")
        self.resize(1500, 900)

        self.tabs = QtWidgets.QTabWidget()
        self.setCentralWidget(self.tabs)
        self.plugins_view = PluginsView(registry)
        self.preset_builder = PresetBuilder(registry, self.apply_preset, self.report)
        setup = QtWidgets.QSplitter()
        setup.addWidget(self.plugins_view)
        setup.addWidget(self.preset_builder)
        setup.setSizes([520, 760])
        self.modules_area = ModulesArea()
        self.scan_panel = ScanPanel(lambda: dict(self.actuator_modules),
                                    lambda: dict(self.detector_modules),
                                    lambda: self.saving_options)
        self.logger_panel = LoggerPanel(lambda: dict(self.detector_modules),
                                        lambda: self.saving_options)
        self.browser = H5Browser()
        self.tabs.addTab(setup, "Setup")
        self.tabs.addTab(self.modules_area, "Modules")
        self.tabs.addTab(self.scan_panel, "Scan")
        self.tabs.addTab(self.logger_panel, "Logger")
        self.tabs.addTab(self.browser, "H5 browser")
        self.scan_panel.scan_done.connect(self._file_written)
        self.logger_panel.log_done.connect(self._file_written)
        self.scan_panel.open_requested.connect(self.open_file)
        self.logger_panel.open_requested.connect(self.open_file)
        self.modules_changed.connect(self.scan_panel.refresh_modules)
        self.modules_changed.connect(self.logger_panel.refresh_modules)
        self.panels: list[LoadedPanel] = []
        self._add_plugin_panels()
        self._build_menu()
        self.statusBar().showMessage("ready")

    # ------------------------------------------------------------------ messages
    def report(self, text: str, error: bool = False) -> None:
        """Show a message in the status bar (errors also in a non-modal box)."""
        self.messages.append((text, error))
        self.statusBar().showMessage(text, 0 if error else 10_000)
        if error and self.popups:
            box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "daqcore dashboard",
                                        text, QtWidgets.QMessageBox.StandardButton.Ok, self)
            box.setModal(False)
            box.finished.connect(lambda _r, b=box: self._message_boxes.remove(b))
            self._message_boxes.append(box)
            box.open()

    @property
    def errors(self) -> list[str]:
        """Error messages reported so far."""
        return [text for text, error in self.messages if error]

    # ------------------------------------------------------------------ menu
    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        actions = [
            ("Load preset...", self._load_preset_dialog, "Ctrl+O"),
            ("Save preset...", self.preset_builder.save_dialog, "Ctrl+S"),
            ("Saving settings...", self.open_saving_settings, ""),
            ("Open HDF5 file...", self._open_file_dialog, "Ctrl+H"),
            ("Quit", self.close, "Ctrl+Q"),
        ]
        for text, slot, shortcut in actions:
            action = QtGui.QAction(text, self)
            if shortcut:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)

    def _load_preset_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Load preset", "",
                                                        "Presets (*.toml);;All files (*)")
        if path:
            self.load_preset_file(path)

    def _open_file_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open HDF5 file", "", "HDF5 files (*.h5 *.hdf5);;All files (*)")
        if path:
            self.open_file(path)

    # ------------------------------------------------------------------ presets and modules
    def load_preset_file(self, path: str | Path) -> bool:
        """Load a preset file and open its modules; a message (not an exception) on error."""
        try:
            preset = load_preset(path)
        except PresetError as exc:
            self.report(str(exc), error=True)
            return False
        self.preset_builder.set_preset(preset, Path(path))
        self.apply_preset(preset)
        self.report(f"preset {Path(path).name} loaded: {len(self.actuator_modules)} actuators, "
                    f"{len(self.detector_modules)} detectors"
                    + (f", {len(self.unavailable_modules)} unavailable"
                       if self.unavailable_modules else ""))
        return True

    def apply_preset(self, preset: Preset) -> None:
        """Close the current modules and open ``preset``'s (unavailable ones are shown as such)."""
        self.clear_modules(wait=False)
        self.preset = preset
        if preset.title:
            self.setWindowTitle(f"daqcore dashboard - {preset.title}")
        if preset.saving:
            try:
                self.saving_options = SavingOptions.from_dict(preset.saving)
            except GuiError as exc:
                self.report(f"preset [saving]: {exc}", error=True)
        for spec in preset.modules:
            self.add_module(spec)
        self.modules_changed.emit()
        self.tabs.setCurrentWidget(self.modules_area)

    def add_module(self, spec: ModuleSpec) -> QtWidgets.QWidget:
        """Create the instrument of ``spec`` and its module (or an unavailable placeholder)."""
        try:
            instrument = self.registry.create_instrument(
                spec.instrument, spec.backend, kind=spec.kind, title=spec.name, **spec.settings)
        except Exception as exc:  # unknown plugin, bad backend or setting: module unavailable
            widget = UnavailableModule(spec.name, spec.kind, spec.instrument,
                                       describe_error(exc))
            self.unavailable_modules[spec.name] = widget
            self.modules_area.add(widget, spec.kind)
            return widget
        module: ActuatorModule | DetectorModule
        if spec.kind == "actuator":
            module = ActuatorModule(spec.name, instrument)
            self.actuator_modules[spec.name] = module
        else:
            module = DetectorModule(spec.name, instrument, lambda: self.saving_options)
            self.detector_modules[spec.name] = module
        self.modules_area.add(module, spec.kind)
        if spec.init:
            module.initialise()
        return module

    @property
    def modules(self) -> dict[str, Any]:
        """Every module widget by name (unavailable ones included)."""
        return {**self.actuator_modules, **self.detector_modules, **self.unavailable_modules}

    def clear_modules(self, wait: bool = True) -> None:
        """Close every instrument and remove the modules (``wait``: until they are closed)."""
        for module in self.modules.values():
            module.shutdown(wait)
        self.actuator_modules.clear()
        self.detector_modules.clear()
        self.unavailable_modules.clear()
        self.modules_area.clear()
        self.modules_changed.emit()

    # ------------------------------------------------------------------ saving and files
    def open_saving_settings(self) -> SavingSettingsDialog:
        """Open the saving settings dialog (non-modal); *OK* applies the options."""
        dialog = SavingSettingsDialog(self.saving_options, current_file=lambda: self.last_file,
                                      parent=self)
        dialog.accepted.connect(lambda: self._set_options(dialog.options()))
        dialog.open()
        return dialog

    def _set_options(self, options: SavingOptions) -> None:
        self.saving_options = options
        self.report(f"saving to {options.base_path} ({options.backend})")

    def _file_written(self, path: str) -> None:
        if path:
            self.last_file = Path(path)

    def open_file(self, path: str | Path) -> bool:
        """Show ``path`` in the H5 browser tab."""
        self.tabs.setCurrentWidget(self.browser)
        ok = self.browser.open_file(path)
        if not ok:
            self.report(self.browser.status.text(), error=True)
        return ok

    # ------------------------------------------------------------------ plugin panels
    def _add_plugin_panels(self) -> None:
        context = {"registry": self.registry, "dashboard": self, "bridge": self.bridge}
        self.panels = load_panels(self.registry, context)
        for panel in self.panels:
            self.tabs.addTab(panel.widget, panel.title)
            if panel.error:
                self.messages.append((panel.error, True))

    # ------------------------------------------------------------------ exit
    def shutdown(self) -> None:
        """Stop scans and loggers, close instruments and files (idempotent)."""
        self.scan_panel.shutdown()
        self.logger_panel.shutdown()
        self.clear_modules()
        self.browser.close_file()
        self.plugins_view.bridge.close()
        self.bridge.close()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


__all__ = ["Dashboard"]
