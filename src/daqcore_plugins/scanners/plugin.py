"""The built-in scanners, offered through the ``daqcore_scanners`` hook like a third party's.

Named by the ``daqcore-scanners`` entry point. Loading this module (``daqcore --help``,
``daqcore plugins``) imports nothing of the acquisition layer; the specs
(``daqcore.acquisition.builtin_scanners.SPECS``) are imported when the hook is called,
i.e. when a scanner is looked up by name.
"""

from __future__ import annotations

from typing import Any

from daqcore.plugins import hookimpl


@hookimpl
def daqcore_scanners() -> list[Any]:
    """``linear``, ``grid``, ``spread``, ``random``, ``tabular`` and ``adaptive``."""
    from daqcore.acquisition.builtin_scanners import SPECS

    return list(SPECS)
