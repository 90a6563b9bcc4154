"""The daqcore dashboard (qtpy + pyqtgraph): the only package that imports Qt.

Start it with ``daqcore dashboard [--preset FILE]`` or :func:`run_dashboard`. Names are
imported lazily, so ``import daqcore.gui`` alone loads no Qt. See ``docs/dashboard.md``.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

_EXPORTS = {
    "Dashboard": "daqcore.gui.main_window",
    "run_dashboard": "daqcore.gui.app",
    "create_dashboard": "daqcore.gui.app",
    "H5Browser": "daqcore.gui.h5_browser",
    "show_file_content": "daqcore.gui.h5_browser",
    "show_settings": "daqcore.gui.saving_dialog",
    "SavingOptions": "daqcore.gui.saving_options",
    "Preset": "daqcore.gui.preset",
    "ModuleSpec": "daqcore.gui.preset",
    "load_preset": "daqcore.gui.preset",
    "save_preset": "daqcore.gui.preset",
    "PresetError": "daqcore.gui.errors",
    "GuiError": "daqcore.gui.errors",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
