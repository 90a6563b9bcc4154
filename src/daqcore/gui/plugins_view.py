"""Every discovered plugin and instrument, and the plugins that failed with their reason.

The registry report probes backends (a probe may look for a device), so it is computed in a
background thread and shown when ready.
"""

from __future__ import annotations

import threading
from typing import Any

from qtpy import QtWidgets

from daqcore.gui.bridge import GuiBridge

_PROBE_LOCK = threading.Lock()


def _backends_text(backends: list[dict[str, Any]]) -> str:
    parts = []
    for b in backends:
        if b.get("available", True):
            parts.append(f"{b['name']}")
        else:
            parts.append(f"{b['name']} ({b.get('reason') or 'unavailable'})")
    return ", ".join(parts)


class PluginsView(QtWidgets.QWidget):
    """Tree of plugins, instruments, panels and failures from :meth:`Registry.report`."""

    def __init__(self, registry: Any, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.bridge = GuiBridge(self)
        self.report: dict[str, Any] | None = None
        self.tree = QtWidgets.QTreeWidget()
        # Python references to every item: PySide must never free an item's wrapper while
        # Qt still holds the item (deleting the tree then crashes); see _item.
        self._items: list[QtWidgets.QTreeWidgetItem] = []
        self.tree.setHeaderLabels(["name", "details"])
        self.tree.setColumnWidth(0, 220)
        self.summary = QtWidgets.QLabel("probing plugins...")
        self.summary.setWordWrap(True)
        refresh = QtWidgets.QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel("<b>Plugins and instruments</b>"))
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(refresh)
        self.refresh()

    def refresh(self) -> None:
        """Describe the plugins and probe their backends (a probe may look for a device;
        describing imports the instrument classes, which may be slow) in a background thread,
        then show the report."""
        self.summary.setText("probing plugins...")

        def job() -> None:
            try:
                with _PROBE_LOCK:  # one probe at a time per process (drivers scan buses)
                    report = self.registry.report(probe=True)
            except Exception as exc:
                self.bridge.post(self._failed, exc)
            else:
                self.bridge.post(self.show_report, report)

        threading.Thread(target=job, name="daqcore-gui-plugins", daemon=True).start()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(f"cannot list plugins: {type(exc).__name__}: {exc}")

    def show_report(self, report: dict[str, Any]) -> None:
        """Fill the tree from a registry report."""
        self.report = report
        self.tree.clear()
        self._items.clear()
        plugins = self._item(self.tree, [f"Plugins ({len(report['plugins'])})"])
        for p in report["plugins"]:
            self._item(plugins, [
                p["name"], f"{p['distribution']} {p['version']}: "
                + (", ".join(p.get("instruments", [])) or "no instrument")])
        instruments = self._item(
            self.tree, [f"Instruments ({len(report['instruments'])})"])
        for inst in report["instruments"]:
            dims = "/".join(d.removeprefix("Data") for d in inst.get("dims", []))
            details = f"{inst['kind']}{' ' + dims if dims else ''} - {inst.get('description', '')}"
            item = self._item(instruments, [inst["name"], details])
            if inst.get("error"):
                self._item(item, ["error", inst["error"]])
            self._item(item, ["backends", _backends_text(inst.get("backends", []))])
            self._item(item, ["plugin", inst.get("plugin", "")])
        if report.get("panels"):
            panels = self._item(self.tree, [f"Panels ({len(report['panels'])})"])
            for name in report["panels"]:
                self._item(panels, [name, ""])
        failures = report.get("failures", [])
        failed = self._item(self.tree, [f"Failed plugins ({len(failures)})"])
        for f in failures:
            dist = f" ({f['distribution']} {f['version']})" if f.get("distribution") else ""
            self._item(failed, [f"{f['plugin']}{dist}",
                                               f"{f['stage']}: {f['error']}"])
        for item in (plugins, instruments, failed):
            item.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.summary.setText(
            f"{len(report['plugins'])} plugins, {len(report['instruments'])} instruments, "
            f"{len(failures)} failed")

    def _item(self, parent: QtWidgets.QTreeWidget | QtWidgets.QTreeWidgetItem,
              texts: list[str]) -> QtWidgets.QTreeWidgetItem:
        item = QtWidgets.QTreeWidgetItem(parent, texts)
        self._items.append(item)
        return item

    def failure_texts(self) -> list[str]:
        """The failed plugins as shown (tests read it)."""
        root = self.tree.invisibleRootItem()
        for i in range(root.childCount()):
            item = root.child(i)
            if item is not None and item.text(0).startswith("Failed plugins"):
                children = [item.child(j) for j in range(item.childCount())]
                return [f"{c.text(0)}: {c.text(1)}" for c in children if c is not None]
        return []


__all__ = ["PluginsView"]
