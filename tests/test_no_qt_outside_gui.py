"""No module outside ``daqcore.gui`` may import Qt, directly or indirectly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

QT_MODULES = ("qtpy", "PySide6", "PyQt5", "PyQt6", "pyqtgraph")

_PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import daqcore, daqcore_plugins

    imported, failed = [], {}
    for package in (daqcore, daqcore_plugins):
        names = [package.__name__] + [
            info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        ]
        for name in names:
            if name == "daqcore.gui" or name.startswith("daqcore.gui."):
                continue
            try:
                importlib.import_module(name)
                imported.append(name)
            except Exception as error:  # reported, the test fails on it
                failed[name] = f"{type(error).__name__}: {error}"
    qt = sorted(m for m in sys.modules if m.split(".")[0] in QT)
    print(json.dumps({"imported": imported, "failed": failed, "qt": qt}))
    """
)


def test_no_qt_imported_outside_gui():
    code = f"QT = {QT_MODULES!r}\n" + _PROBE
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    import json

    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "daqcore.data" in report["imported"]
    assert report["failed"] == {}, report["failed"]
    assert report["qt"] == [], f"Qt modules imported outside daqcore.gui: {report['qt']}"
