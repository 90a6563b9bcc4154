"""Units from several threads at once, in a fresh process where pint is not imported yet
(instruments grab in their own threads: the first unit conversion may happen in any of them)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import threading
import numpy as np
from daqcore.data import DataRaw
from daqcore.data.units import get_registry

start = threading.Barrier(8)
errors, registries = [], []

def work():
    start.wait()
    try:
        d = DataRaw("d", data=[np.arange(3.0)], units="mV")
        d.units_as("V")
        registries.append(id(get_registry()))
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(errors, len(set(registries)))
"""


def test_first_units_from_eight_threads_share_one_registry():
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                             timeout=120, check=True).stdout.strip()
        assert out == "[] 1", out
