"""A checkable list of the dashboard's modules (scan and logger panels pick instruments with it)."""

from __future__ import annotations

from collections.abc import Iterable

from qtpy import QtCore, QtWidgets

_CHECKED = QtCore.Qt.CheckState.Checked
_UNCHECKED = QtCore.Qt.CheckState.Unchecked


class ModulePicker(QtWidgets.QListWidget):
    """Names with check boxes; the checked ones keep their state when the list is refreshed."""

    def set_names(self, names: Iterable[str]) -> None:
        """Replace the list (names checked before stay checked)."""
        checked = set(self.checked())
        self.clear()
        for name in names:
            item = QtWidgets.QListWidgetItem(name)
            item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(_CHECKED if name in checked else _UNCHECKED)
            self.addItem(item)
        self.setMaximumHeight(22 * max(self.count(), 2) + 8)

    def checked(self) -> list[str]:
        """Names checked, in list order."""
        return [self.item(i).text() for i in range(self.count())
                if self.item(i).checkState() == _CHECKED]

    def set_checked(self, names: Iterable[str]) -> None:
        """Check exactly ``names``."""
        wanted = set(names)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(_CHECKED if item.text() in wanted else _UNCHECKED)


__all__ = ["ModulePicker"]
