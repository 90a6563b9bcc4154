"""The H5 browser: any daqcore or PyMoDAQ file as a tree, attributes, the selected data plotted.

Files are read through the saving layer (:class:`~daqcore.saving.DataLoader`), so data come
back with their units and navigation axes: a scan's channel is drawn against the actuators
(a curve for a 1D scan, an image for a 2D grid), a log against time. A file still being written
in SWMR mode is opened as an SWMR reader; *Refresh* (or *auto refresh*) shows what the writer
has flushed since. A file that cannot be opened gives a message, never an exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.gui.data_viewer import DataViewer
from daqcore.gui.errors import BrowserError
from daqcore.gui.status_line import StatusLine, describe_error
from daqcore.saving import DataLoader
from daqcore.saving.nodes import GROUP

_PATH_ROLE = QtCore.Qt.ItemDataRole.UserRole
_HIDDEN_ATTRS = frozenset({"CLASS", "VERSION", "PYTABLES_FORMAT_VERSION", "EXTDIM"})


def open_loader(path: str | Path) -> DataLoader:
    """Open ``path`` for reading (as an SWMR reader when the file allows it).

    Raises
    ------
    BrowserError
        Missing file, directory, not HDF5, unreadable.
    """
    p = Path(path)
    if not p.exists():
        raise BrowserError(f"{str(p)!r} does not exist")
    if p.is_dir():
        raise BrowserError(f"{str(p)!r} is a directory, not an HDF5 file")
    try:
        return DataLoader(p, swmr_mode=True)
    except Exception:  # not an SWMR file: try the plain reader
        try:
            return DataLoader(p, swmr_mode=False)
        except Exception as plain_error:
            raise BrowserError(f"cannot open {str(p)!r}: {describe_error(plain_error)}") \
                from plain_error


def attribute_text(value: Any, width: int = 400) -> str:
    """One-line text of an attribute value."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 3] + "..."


class H5Browser(QtWidgets.QWidget):
    """Tree, attribute table and plot of one HDF5 file."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader: DataLoader | None = None
        self.path: Path | None = None
        self.plotted: Any = None
        self.open_button = QtWidgets.QPushButton("Open...")
        self.refresh_button = QtWidgets.QPushButton("Refresh")
        self.auto_refresh = QtWidgets.QCheckBox("auto refresh (SWMR)")
        self.file_label = QtWidgets.QLabel("no file")
        self.open_button.clicked.connect(self._open_dialog)
        self.refresh_button.clicked.connect(self.refresh)
        self.auto_refresh.toggled.connect(self._auto_toggled)
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels(["node", "kind", "shape", "title"])
        self.tree.setColumnWidth(0, 200)
        self.tree.currentItemChanged.connect(self._selected)
        # Python references to every item (see PluginsView): wrappers outlive the items
        self._items: list[QtWidgets.QTreeWidgetItem] = []
        self.attributes = QtWidgets.QTableWidget(0, 2)
        self.attributes.setHorizontalHeaderLabels(["attribute", "value"])
        self.attributes.horizontalHeader().setStretchLastSection(True)
        self.attributes.verticalHeader().setVisible(False)
        self.viewer = DataViewer(by_shape=True)
        self.status = StatusLine()

        bar = QtWidgets.QHBoxLayout()
        for widget in (self.open_button, self.refresh_button, self.auto_refresh):
            bar.addWidget(widget)
        bar.addWidget(self.file_label, 1)
        left = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        left.addWidget(self.tree)
        left.addWidget(self.attributes)
        left.setSizes([400, 200])
        splitter = QtWidgets.QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.viewer)
        splitter.setSizes([420, 600])
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)

    # ------------------------------------------------------------------ file
    def open_file(self, path: str | Path) -> bool:
        """Show ``path``; False (reason in the status line) if it cannot be opened."""
        try:
            loader = open_loader(path)
        except BrowserError as exc:
            self.status.error(str(exc))
            return False
        self.close_file()
        self.loader = loader
        self.path = Path(path)
        self.file_label.setText(str(path))
        self._fill_tree()
        self.status.info(f"opened {Path(path).name}")
        return True

    def close_file(self) -> None:
        """Close the file shown (if any)."""
        loader, self.loader = self.loader, None
        self.tree.clear()
        self._items.clear()
        self.attributes.setRowCount(0)
        if loader is not None:
            try:
                loader.close_file()
            except Exception as exc:  # closing must not raise into Qt
                self.status.error(f"closing failed: {describe_error(exc)}")

    def refresh(self) -> None:
        """See what a writer flushed since (SWMR), keeping the selection and the plot."""
        if self.loader is None:
            return
        current = self.current_path()
        try:
            self.loader.refresh()
            self._fill_tree()
        except Exception as exc:
            self.status.error(f"refresh failed: {describe_error(exc)}")
            return
        if current:
            self.select(current)

    def _open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open HDF5 file", "", "HDF5 files (*.h5 *.hdf5 *.hdf);;All files (*)")
        if path:
            self.open_file(path)

    def _auto_toggled(self, on: bool) -> None:
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    # ------------------------------------------------------------------ tree
    def _fill_tree(self) -> None:
        assert self.loader is not None
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items.clear()
        root = self.loader.get_node("/")
        item = QtWidgets.QTreeWidgetItem(self.tree, ["/", "group", "", root.title])
        self._items.append(item)
        item.setData(0, _PATH_ROLE, "/")
        self._add_children(item, root)
        self.tree.expandToDepth(2)
        self.tree.blockSignals(False)

    def _add_children(self, parent: QtWidgets.QTreeWidgetItem, node: Any) -> None:
        for name, child in sorted(node.children().items()):
            if isinstance(child, GROUP):
                kind, shape = "group", f"{len(child.children_name())} items"
            else:
                kind = type(child).__name__
                shape = "x".join(str(s) for s in child.shape) or "scalar"
            item = QtWidgets.QTreeWidgetItem(parent, [name, kind, shape, child.title])
            self._items.append(item)
            item.setData(0, _PATH_ROLE, child.path)
            if isinstance(child, GROUP):
                self._add_children(item, child)

    def node_paths(self) -> list[str]:
        """Paths of every node in the tree (tests read it)."""
        out: list[str] = []
        iterator = QtWidgets.QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            out.append(iterator.value().data(0, _PATH_ROLE))
            iterator += 1
        return out

    def current_path(self) -> str:
        """Path of the selected node ('' if none)."""
        item = self.tree.currentItem()
        return item.data(0, _PATH_ROLE) if item is not None else ""

    def select(self, path: str) -> bool:
        """Select (and plot) the node at ``path``; False if it is not in the tree."""
        iterator = QtWidgets.QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            item = iterator.value()
            if item.data(0, _PATH_ROLE) == path:
                self.tree.setCurrentItem(item)
                return True
            iterator += 1
        return False

    def _selected(self, item: QtWidgets.QTreeWidgetItem | None,
                  _previous: QtWidgets.QTreeWidgetItem | None = None) -> None:
        if item is None or self.loader is None:
            return
        path = item.data(0, _PATH_ROLE)
        try:
            node = self.loader.get_node(path)
            self._show_attributes(node)
        except Exception as exc:
            self.status.error(f"{path}: {describe_error(exc)}")
            return
        if not isinstance(node, GROUP) and "data_type" in node.attrs:
            self.plot(path)

    def _show_attributes(self, node: Any) -> None:
        names = [n for n in node.attrs.keys() if n not in _HIDDEN_ATTRS]
        self.attributes.setRowCount(len(names))
        for row, name in enumerate(sorted(names)):
            try:
                text = attribute_text(node.attrs[name])
            except Exception as exc:  # an attribute we cannot decode is shown as such
                text = f"<unreadable: {describe_error(exc)}>"
            self.attributes.setItem(row, 0, QtWidgets.QTableWidgetItem(name))
            self.attributes.setItem(row, 1, QtWidgets.QTableWidgetItem(text))

    def attribute_values(self) -> dict[str, str]:
        """The attribute table as shown (tests read it)."""
        out = {}
        for row in range(self.attributes.rowCount()):
            key, value = self.attributes.item(row, 0), self.attributes.item(row, 1)
            if key is not None and value is not None:
                out[key.text()] = value.text()
        return out

    # ------------------------------------------------------------------ plot
    def plot(self, path: str) -> bool:
        """Load the data node at ``path`` with its axes and draw it."""
        if self.loader is None:
            return False
        try:
            dwa = self.loader.load_data(path, load_all=True)
            self.viewer.show_dwa(dwa, key="node")
        except Exception as exc:
            self.status.error(f"cannot plot {path}: {describe_error(exc)}")
            return False
        self.plotted = dwa
        axes = ", ".join(f"{a.label} ({a.units})" if a.units else a.label for a in dwa.axes)
        self.status.info(f"{path}: {dwa.name} shape {dwa.shape} {dwa.units}; axes: {axes or '-'}")
        return True


def show_file_content(path: str | Path, parent: QtWidgets.QWidget | None = None) -> H5Browser:
    """Open ``path`` in a browser window (PyMoDAQ's *Show file content*); returns it."""
    browser = H5Browser(parent)
    browser.setWindowTitle(f"daqcore H5 browser - {Path(path).name}")
    browser.resize(1000, 650)
    browser.open_file(path)
    browser.show()
    return browser


__all__ = ["H5Browser", "attribute_text", "open_loader", "show_file_content"]
