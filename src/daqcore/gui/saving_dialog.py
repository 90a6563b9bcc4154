"""Saving settings dialog (PyMoDAQ's H5Saver settings), ``show_settings``, ``show_file_content``.

The dialog edits a :class:`~daqcore.gui.saving_options.SavingOptions` settings tree (validated
edits, refusals shown); *Show file content* opens the current file in the H5 browser, *New
file* and *Browse file...* act on an :class:`~daqcore.saving.H5Saver` when the dialog was opened
for one (:func:`show_settings`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qtpy import QtWidgets

from daqcore.gui.bridge import GuiBridge
from daqcore.gui.h5_browser import H5Browser, show_file_content
from daqcore.gui.saving_options import SavingOptions
from daqcore.gui.settings_tree import SettingsTree
from daqcore.gui.status_line import StatusLine, describe_error
from daqcore.saving import H5Saver


class SavingSettingsDialog(QtWidgets.QDialog):
    """Edit saving options; :meth:`options` returns them after *OK*.

    Parameters
    ----------
    options : SavingOptions
        Initial values.
    current_file : callable, optional
        Returns the file *Show file content* opens (None: nothing written yet).
    saver : H5Saver, optional
        Enables *New file* and *Browse file...* on that saver, and applies the options to it
        on *OK*.
    """

    def __init__(self, options: SavingOptions, *,
                 current_file: Callable[[], Path | None] | None = None,
                 saver: H5Saver | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saving settings")
        self.saver = saver
        self._current_file = current_file or (lambda: None)
        self.browser: H5Browser | None = None
        self.tree_settings = options.settings()
        self.status = StatusLine()
        self.tree = SettingsTree(self.tree_settings, GuiBridge(self),
                                 on_refused=self.status.error)
        self.file_label = QtWidgets.QLineEdit()
        self.file_label.setReadOnly(True)
        self.show_button = QtWidgets.QPushButton("Show file content")
        self.new_button = QtWidgets.QPushButton("New file")
        self.browse_button = QtWidgets.QPushButton("Browse file...")
        self.show_button.clicked.connect(self.show_content)
        self.new_button.clicked.connect(self.new_file)
        self.browse_button.clicked.connect(self._browse_dialog)
        self.new_button.setVisible(saver is not None)
        self.browse_button.setVisible(saver is not None)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QtWidgets.QHBoxLayout()
        for button in (self.show_button, self.new_button, self.browse_button):
            row.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QtWidgets.QLabel("h5file"))
        layout.addWidget(self.file_label)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(460, 480)
        self._show_file()

    def options(self) -> SavingOptions:
        """The options as edited."""
        return SavingOptions.from_settings(self.tree_settings)

    def _show_file(self) -> None:
        path = self._file()
        self.file_label.setText(str(path) if path else "")

    def _file(self) -> Path | None:
        if self.saver is not None and self.saver.isopen():
            return Path(self.saver.filename)
        return self._current_file()

    def show_content(self) -> H5Browser | None:
        """Open the current file in an H5 browser window."""
        path = self._file()
        if path is None:
            self.status.error("no file written yet")
            return None
        if self.saver is not None and self.saver.isopen():
            self.saver.flush()
        self.browser = show_file_content(path, self)
        return self.browser

    def new_file(self) -> Path | None:
        """Apply the options to the saver and start a new file (saver dialogs only)."""
        if self.saver is None:
            return None
        try:
            apply_options(self.saver, self.options())
            self.saver.init_file(new_file=True)
        except Exception as exc:
            self.status.error(f"new file failed: {describe_error(exc)}")
            return None
        self._show_file()
        self.status.info(f"new file {self.saver.filename}")
        return Path(self.saver.filename)

    def append_to(self, path: str | Path) -> bool:
        """Reopen an existing file with the saver, to append to it."""
        if self.saver is None:
            return False
        try:
            self.saver.init_file(file_name=path)
        except Exception as exc:
            self.status.error(f"cannot open {path}: {describe_error(exc)}")
            return False
        self._show_file()
        return True

    def _browse_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Append to file", "",
                                                        "HDF5 files (*.h5)")
        if path:
            self.append_to(path)

    def accept(self) -> None:
        if self.saver is not None:
            try:
                apply_options(self.saver, self.options())
            except Exception as exc:
                self.status.error(f"cannot apply: {describe_error(exc)}")
                return
        super().accept()


def apply_options(saver: H5Saver, options: SavingOptions) -> None:
    """Set an H5Saver's naming, compression, dynamic, SWMR and flush options.

    The backend of an existing saver cannot change; a different one raises ValueError.
    """
    if options.backend != saver.backend_name:
        raise ValueError(f"this saver writes with {saver.backend_name!r}; create a new H5Saver "
                         f"to use {options.backend!r}")
    saver.base_path = Path(options.base_path)
    saver.base_name = options.base_name
    saver.dynamic = options.dynamic
    level = 0 if options.compression == "none" else options.compression_level
    saver.define_compression("zlib" if options.compression == "none" else options.compression,
                             level)
    saver.swmr = options.swmr
    saver.flush_period = options.flush_interval or None


def show_settings(saver: H5Saver, parent: QtWidgets.QWidget | None = None) -> SavingSettingsDialog:
    """Open the settings dialog of ``saver`` (non-modal; PyMoDAQ's ``show_settings``)."""
    dialog = SavingSettingsDialog(SavingOptions.from_h5saver(saver), saver=saver, parent=parent)
    dialog.show()
    return dialog


__all__ = ["SavingSettingsDialog", "apply_options", "show_file_content", "show_settings"]
