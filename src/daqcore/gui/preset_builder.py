"""Build a preset: pick detectors and actuators, choose their backend, save and load TOML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.gui.errors import PresetError
from daqcore.gui.preset import ModuleSpec, Preset, load_preset, save_preset

_ROLE = QtCore.Qt.ItemDataRole.UserRole
_EDITABLE = QtCore.Qt.ItemFlag.ItemIsEditable

ApplyPreset = Callable[[Preset], None]
Report = Callable[[str, bool], None]


class PresetBuilder(QtWidgets.QWidget):
    """Instrument list + backend choice on the left, the preset's modules on the right.

    Parameters
    ----------
    registry : Registry
    apply : callable
        ``apply(preset)`` opens the preset's modules in the dashboard.
    report : callable
        ``report(message, is_error)`` shows a message.
    """

    def __init__(self, registry: Any, apply: ApplyPreset, report: Report,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self._apply = apply
        self._report = report
        self.preset = Preset(title="new setup")
        self.path: Path | None = None

        self.instruments = QtWidgets.QListWidget()
        for record in [*registry.actuators(), *registry.detectors()]:
            item = QtWidgets.QListWidgetItem(f"{record.name}  ({record.kind})")
            item.setData(_ROLE, (record.name, record.kind))
            item.setToolTip(record.description)
            self.instruments.addItem(item)
        self.backend = QtWidgets.QComboBox()
        self.backend.addItems(["sim", "real"])
        self.backend.setEditable(True)
        add = QtWidgets.QPushButton("Add >")
        add.clicked.connect(self._add_selected)
        left = QtWidgets.QVBoxLayout()
        left.addWidget(QtWidgets.QLabel("<b>Instruments</b>"))
        left.addWidget(self.instruments, 1)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("backend"))
        row.addWidget(self.backend, 1)
        row.addWidget(add)
        left.addLayout(row)

        self.title = QtWidgets.QLineEdit(self.preset.title)
        self.title.editingFinished.connect(self._title_edited)
        self.table = QtWidgets.QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["name", "instrument", "kind", "backend"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._renamed)
        remove = QtWidgets.QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        load = QtWidgets.QPushButton("Load preset...")
        load.clicked.connect(self._load_dialog)
        save = QtWidgets.QPushButton("Save preset...")
        save.clicked.connect(self.save_dialog)
        self.apply_button = QtWidgets.QPushButton("Open in dashboard")
        self.apply_button.clicked.connect(self.apply)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(QtWidgets.QLabel("<b>Preset</b>"))
        title_row = QtWidgets.QHBoxLayout()
        title_row.addWidget(QtWidgets.QLabel("title"))
        title_row.addWidget(self.title, 1)
        right.addLayout(title_row)
        right.addWidget(self.table, 1)
        buttons = QtWidgets.QHBoxLayout()
        for button in (remove, load, save, self.apply_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

    # ------------------------------------------------------------------ editing
    def add_instrument(self, name: str, backend: str = "sim") -> ModuleSpec:
        """Add the registry instrument ``name`` to the preset (a unique module name is chosen)."""
        record = self.registry.get_instrument(name)
        spec = ModuleSpec(self.preset.unique_name(record.name), record.name, record.kind,
                          backend)
        self.preset.add(spec)
        self._fill_table()
        return spec

    def _add_selected(self) -> None:
        for item in self.instruments.selectedItems():
            name, _kind = item.data(_ROLE)
            self.add_instrument(name, self.backend.currentText() or "sim")

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        modules = self.preset.modules
        for row in rows:
            spec = modules[row]
            (self.preset.detectors if spec.kind == "detector" else self.preset.actuators).remove(
                spec)
        self._fill_table()

    def _title_edited(self) -> None:
        self.preset.title = self.title.text()

    def _renamed(self, item: QtWidgets.QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        spec = self.preset.modules[item.row()]
        new = item.text().strip()
        if new and new != spec.name and new not in {m.name for m in self.preset.modules}:
            spec.name = new
        else:
            self.table.blockSignals(True)
            item.setText(spec.name)
            self.table.blockSignals(False)

    def _fill_table(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for spec in self.preset.modules:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate((spec.name, spec.instrument, spec.kind, spec.backend)):
                item = QtWidgets.QTableWidgetItem(text)
                if column:
                    item.setFlags(item.flags() & ~_EDITABLE)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)

    # ------------------------------------------------------------------ files
    def set_preset(self, preset: Preset, path: Path | None = None) -> None:
        """Show ``preset`` (loaded elsewhere)."""
        self.preset = preset
        self.path = path
        self.title.setText(preset.title)
        self._fill_table()

    def load(self, path: str | Path) -> Preset | None:
        """Read a preset file into the builder (a message on error, never an exception)."""
        try:
            preset = load_preset(path)
        except PresetError as exc:
            self._report(str(exc), True)
            return None
        self.set_preset(preset, Path(path))
        self._report(f"preset loaded: {path}", False)
        return preset

    def save(self, path: str | Path) -> Path | None:
        """Write the preset as TOML."""
        self.preset.title = self.title.text()
        try:
            written = save_preset(self.preset, path)
        except PresetError as exc:
            self._report(str(exc), True)
            return None
        self.path = written
        self._report(f"preset saved: {written}", False)
        return written

    def apply(self) -> None:
        """Open the preset's modules in the dashboard."""
        self.preset.title = self.title.text()
        self._apply(self.preset)

    def _load_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Load preset", "",
                                                        "Presets (*.toml);;All files (*)")
        if path:
            self.load(path)

    def save_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save preset", "preset.toml",
                                                        "Presets (*.toml)")
        if path:
            self.save(path)


__all__ = ["PresetBuilder"]
