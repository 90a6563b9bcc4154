"""Start-up cost (issue 10): importing daqcore.data / daqcore.saving imports neither pint nor
numba; pint comes with the first units string, and Quantities still work when the script
imports pint after daqcore. Each check runs in a fresh interpreter (``sys.modules``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


@pytest.mark.parametrize("module", ["daqcore.data", "daqcore.saving"])
def test_import_does_not_import_pint_nor_numba(module):
    out = _run(f"""
        import sys
        import {module}
        print(sorted(m for m in ("pint", "numba", "scipy", "xarray") if m in sys.modules))
    """)
    assert out == "[]"


def test_pint_is_imported_by_the_first_units_string_only():
    out = _run("""
        import sys
        import numpy as np
        from daqcore.data import DataRaw, DataToExport, Axis
        dte = DataToExport("d", data=[DataRaw("x", data=[np.ones(3)],
                                              axes=[Axis("i", data=np.arange(3.0))])])
        (dte[0] + dte[0]).mean()
        print("pint" in sys.modules)
        DataRaw("y", data=[np.ones(3)], units="V")
        print("pint" in sys.modules)
    """)
    assert out.split() == ["False", "True"]


def test_quantities_of_a_registry_created_after_daqcore():
    out = _run("""
        import numpy as np
        import daqcore.data as dc
        import pint
        ureg = pint.UnitRegistry()
        d = dc.DataRaw("x", data=[np.ones(3)])
        left, right = ureg.Quantity(2.0, "V") * d, d * ureg.Quantity(2.0, "mV")
        print(type(left).__name__, left.units, float(left.data[0][0]),
              type(right).__name__, right.units)
        print(isinstance(dc.ureg, pint.UnitRegistry), str(dc.Q_(1.0, "mm").units))
    """)
    assert out.splitlines() == ["DataRaw V 2.0 DataRaw mV", "True mm"]


def test_units_are_still_checked_exactly():
    out = _run("""
        import numpy as np
        import daqcore.data as dc
        try:
            dc.DataRaw("x", data=[np.ones(3)], units="wattz")
        except dc.DataUnitsError as error:
            print("refused")
        a = dc.DataRaw("a", data=[np.ones(2)], units="m")
        print((a + dc.DataRaw("b", data=[np.ones(2)], units="mm")).data[0][0])
    """)
    assert out.splitlines() == ["refused", "1.001"]
