"""The status line of a module or panel: the last message, errors in red, a short history."""

from __future__ import annotations

from qtpy import QtCore, QtWidgets

from daqcore.errors import DaqcoreError


class StatusLine(QtWidgets.QLabel):
    """One line of text; :meth:`error` shows it in red and keeps it in :attr:`errors`."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messages: list[str] = []
        self.errors: list[str] = []

    def info(self, text: str) -> None:
        """Show an information message."""
        self.setStyleSheet("")
        self.setText(text)
        self.messages.append(text)

    def error(self, text: str) -> None:
        """Show an error message (red)."""
        self.setStyleSheet("color: #c62828; font-weight: bold")
        self.setText(text)
        self.messages.append(text)
        self.errors.append(text)


def describe_error(exc: BaseException) -> str:
    """``ExceptionType: message`` (the message alone for daqcore errors, which name the problem)."""
    if isinstance(exc, DaqcoreError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


__all__ = ["StatusLine", "describe_error"]
