"""A pyqtgraph ParameterTree generated from an instrument's settings tree.

Edits are written back through ``apply(path, value)`` (by default the setting's own
``set_value``, which validates); a refused value is put back to the setting's current value and
the reason is reported through ``on_refused(message)``. Changes made by the instrument itself
(read-back values, another thread) are reflected in the tree through the GUI bridge.

Numeric limits are *not* enforced by the spin boxes: the user may type any number and the
setting decides, so a refusal always comes with the setting's own reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyqtgraph.parametertree import Parameter, ParameterTree
from qtpy import QtWidgets

from daqcore.gui.bridge import GuiBridge
from daqcore.instruments import Setting

ApplyFunction = Callable[[str, Any, Callable[[], None], Callable[[BaseException], None]], None]
"""``apply(path, value, on_ok, on_error)``: write a value, report the outcome (maybe later)."""


def parameter_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Translate :meth:`Setting.to_dict` output into a pyqtgraph ``Parameter.create`` dict."""
    kind = spec["type"]
    out: dict[str, Any] = {"name": spec["name"], "title": spec.get("title", spec["name"]),
                           "type": "str" if kind == "browsepath" else kind}
    if spec.get("visible") is False:
        out["visible"] = False
    tip = spec.get("tip", "")
    if kind == "group":
        out["children"] = [parameter_spec(child) for child in spec.get("children", [])]
    elif kind != "action":
        out["value"] = spec.get("value")
        if kind == "list":
            out["limits"] = list(spec.get("choices", []))
        if spec.get("units"):
            out["suffix"] = spec["units"]
        if kind in ("int", "float") and spec.get("limits"):
            low, high = spec["limits"]
            tip = (tip + " " if tip else "") + f"[{low}, {high}]"
    if spec.get("readonly"):
        out["readonly"] = True
    if tip:
        out["tip"] = tip
    return out


def _nothing() -> None:
    """No-op success callback."""


def _direct_apply(root: Setting) -> ApplyFunction:
    def apply(path: str, value: Any, on_ok: Callable[[], None],
              on_error: Callable[[BaseException], None]) -> None:
        try:
            root.child(path).set_value(value)
        except Exception as exc:
            on_error(exc)
        else:
            on_ok()

    return apply


class SettingsTree(QtWidgets.QWidget):
    """Editable view of a settings tree.

    Parameters
    ----------
    settings : Setting
        The root group (an instrument's ``settings``).
    bridge : GuiBridge
        Brings changes made in other threads to the GUI thread.
    apply : callable, optional
        How an edit is written (see :data:`ApplyFunction`); default: at once, in this thread.
    on_refused : callable, optional
        Called with the reason when a value is refused.
    """

    def __init__(self, settings: Setting, bridge: GuiBridge, *,
                 apply: ApplyFunction | None = None,
                 on_refused: Callable[[str], None] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._bridge = bridge
        self._apply = apply or _direct_apply(settings)
        self._on_refused = on_refused
        self._updating = False
        self.last_refusal = ""
        self.parameter = Parameter.create(**parameter_spec(settings.to_dict()))
        self.tree = ParameterTree(showHeader=False)
        self.tree.setParameters(self.parameter, showTop=False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self.parameter.sigTreeStateChanged.connect(self._tree_changed)
        settings.subscribe(self._setting_changed)

    def detach(self) -> None:
        """Stop following the settings (call before dropping the widget)."""
        self.settings.unsubscribe(self._setting_changed)

    def param(self, path: str) -> Parameter:
        """The pyqtgraph parameter of the setting at ``a/b`` ``path``."""
        node = self.parameter
        for part in path.split("/"):
            node = node.child(part)
        return node

    def _path_of(self, param: Parameter) -> str:
        path = self.parameter.childPath(param)
        return "/".join(path or [])

    # ------------------------------------------------------------------ tree -> settings
    def _tree_changed(self, _root: Parameter, changes: list[tuple[Parameter, str, Any]]) -> None:
        if self._updating:
            return
        for param, change, value in changes:
            if change == "activated":  # an action button (e.g. an H5Saver's "New file")
                path = self._path_of(param)
                try:
                    self.settings.child(path).activate()
                except Exception as exc:
                    self._refused(path, exc)
            if change != "value":
                continue
            path = self._path_of(param)
            self._apply(path, value, _nothing, self._refusal_handler(path))

    def _refusal_handler(self, path: str) -> Callable[[BaseException], None]:
        return lambda exc: self._refused(path, exc)

    def _refused(self, path: str, exc: BaseException) -> None:
        self.last_refusal = f"{path}: {exc}"
        self._show_value(path)
        if self._on_refused is not None:
            self._on_refused(f"refused {self.last_refusal}")

    # ------------------------------------------------------------------ settings -> tree
    def _setting_changed(self, setting: Setting, _old: Any, _new: Any) -> None:
        if setting.type not in ("group", "action"):  # an action has no value to show
            self._bridge.post(self._show_value, setting.path)

    def _show_value(self, path: str) -> None:
        try:
            value = self.settings.child(path).value
            param = self.param(path)
        except Exception:  # the tree was rebuilt meanwhile
            return
        if param.value() == value:
            return
        self._updating = True
        try:
            param.setValue(value)
        finally:
            self._updating = False


__all__ = ["ApplyFunction", "SettingsTree", "parameter_spec"]
