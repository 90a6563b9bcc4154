"""Text forms of setting values and limits in the parameter XML (no ``eval``)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from typing import Any

from daqcore.settings_tree.errors import SettingsDefinitionError, SettingValueError

TEXT_TYPES = ("str", "text", "browsepath")
"""Setting types holding a ``str``."""

VALUELESS_TYPES = ("group", "action")
"""Setting types holding no value."""


def value_to_text(value: Any) -> str:
    """The element text of a value: bools as '1'/'0', floats by ``repr`` (exact)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def literal(text: str, where: str) -> Any:
    """Parse a ``limits`` attribute (Python or JSON list literal) without ``eval``."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        try:  # JSON, or a Python list with nan/inf (``repr`` of a NaN choice)
            return json.loads(re.sub(r"\binf\b", "Infinity", re.sub(r"\bnan\b", "NaN", text)))
        except ValueError as exc:
            raise SettingsDefinitionError(f"setting {where!r}: unreadable limits {text!r}") from exc


def value_from_text(text: str, kind: str, choices: Sequence[Any] | None) -> Any:
    """Inverse of :func:`value_to_text` for a setting of type ``kind``."""
    if kind in TEXT_TYPES:
        return text
    if kind == "bool":
        if text in ("True", "true", "1"):
            return True
        if text in ("False", "false", "0"):
            return False
        raise SettingValueError(f"cannot read a bool from {text!r}")
    if kind in ("int", "float"):
        try:
            return int(text) if kind == "int" else float(text)
        except ValueError as exc:
            raise SettingValueError(f"cannot read an {kind} from {text!r}") from exc
    # list: the choice whose text form matches
    for choice in choices or ():
        if value_to_text(choice) == text:
            return choice
    raise SettingValueError(f"{text!r} is not one of the choices {list(choices or ())!r}")
