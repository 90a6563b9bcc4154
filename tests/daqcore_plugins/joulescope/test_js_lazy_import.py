"""Plugin discovery must not import numba or the vendor ``joulescope`` package."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import daqcore_plugins.joulescope.plugin
heavy = [name for name in ("numba", "joulescope") if name in sys.modules]
import daqcore_plugins.joulescope as pkg
errors_loaded = "JoulescopeError" in dir(pkg) and pkg.SampleRangeError.__name__
print(json.dumps({"heavy": heavy, "errors": errors_loaded,
                  "after_error_access": [n for n in ("numba",) if n in sys.modules]}))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_plugin_import_does_not_load_numba_or_vendor_package(probe):
    assert probe["heavy"] == []


def test_error_classes_resolve_without_loading_numba(probe):
    assert probe["errors"] == "SampleRangeError"
    assert probe["after_error_access"] == []


def test_lazy_exports_resolve_to_their_modules():
    import daqcore_plugins.joulescope as pkg
    from daqcore_plugins.joulescope import errors, stats

    assert pkg.JoulescopeError is errors.JoulescopeError
    assert pkg.STATS_DTYPE is stats.STATS_DTYPE
    assert set(pkg.__all__) >= set(errors.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        pkg.no_such_name  # noqa: B018


def test_listing_the_plugin_does_not_load_numba():
    """``daqcore plugins`` reads the detector's dims and probes its backends: no kernels."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; from daqcore.plugins import get_registry; "
            "report = get_registry().report(); "
            "print(json.dumps(['numba' in sys.modules, "
            "'daqcore_plugins.joulescope.stream_buffer' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip().splitlines()[-1]
    assert json.loads(out) == [False, False]
