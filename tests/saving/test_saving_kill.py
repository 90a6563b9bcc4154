"""A writer killed with SIGKILL leaves a readable file holding every flushed point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from daqcore.saving import DataLoader

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")]

WRITER = r"""
import sys, time
import numpy as np
from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import (BufferedTimedSaver, DataToExportExtendedSaver,
                            DataToExportTimedSaver, H5SaverLowLevel)

path, kind = sys.argv[1], sys.argv[2]
h5 = H5SaverLowLevel("scan", backend="h5py", flush_period=None)
h5.init_file(path, new_file=True, swmr_mode=True)
h5.set_swmr_flush_interval(1)
det = h5.add_det_group(h5.raw_group, title="det")
d0 = DataRaw("temp", units="K", data=[np.zeros(1)])
d1 = DataRaw("spec", units="V", data=[np.zeros(8)],
             axes=[Axis("wl", "nm", np.arange(8.0), index=0)])
dte = DataToExport("det", data=[d0, d1])
if kind == "scan":
    saver = DataToExportExtendedSaver(h5, (40, 40))
    saver.add_nav_axes(det, [Axis("x", "mm", np.arange(40.0), index=0),
                             Axis("y", "mm", np.arange(40.0), index=1)])
    points = np.ndindex(40, 40)
else:
    saver = DataToExportTimedSaver(h5) if kind == "log" else \
        BufferedTimedSaver(h5, flush_period=0.05, block_rows=100000)
    points = range(10 ** 7)
for k, idx in enumerate(points):
    d0.data[0][0] = k
    d1.data[0][:] = k
    dte.timestamp = 1000.0 + k
    if kind == "scan":
        saver.add_data(det, dte, indexes=idx)
    else:
        saver.add_data(det, dte)
        if k == 0:
            h5.enable_swmr()  # timed savers leave it to the caller, as in PyMoDAQ
    if kind == "buffered":
        saver.flush() if k == 150 else None
    print(k, flush=True)
    time.sleep(0.001)
"""


@pytest.mark.parametrize("kind", ["scan", "log", "buffered"])
def test_sigkill_mid_write_keeps_flushed_points(tmp_path, kind):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    path = tmp_path / f"{kind}.h5"
    proc = subprocess.Popen([sys.executable, str(script), str(path), kind],
                            stdout=subprocess.PIPE, text=True)
    last = -1
    try:
        while last < 200:
            line = proc.stdout.readline()
            assert line, "writer died early"
            last = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    # every point up to `last` was flushed (scan/log: each point; buffered: up to the
    # explicit flush at 150, later ones within flush_period)
    must_have = 150 if kind == "buffered" else last
    suffix = "Data00" if kind == "scan" else "EnlData00"
    with DataLoader(path) as loader:
        temp = loader.load_data(f"/RawData/Detector000/Data0D/CH00/{suffix}")
        spec = loader.load_data(f"/RawData/Detector000/Data1D/CH00/{suffix}")
    values = temp.data[0].ravel()
    written = values[np.isfinite(values)]
    assert written.size >= must_have + 1
    np.testing.assert_array_equal(written[:must_have + 1], np.arange(must_have + 1.0))
    assert temp.units == "K" and spec.units == "V"
    if kind == "scan":
        assert [a.label for a in temp.get_nav_axes()] == ["x", "y"]
        np.testing.assert_array_equal(spec.data[0][0, 5], np.full(8, 5.0))
    else:
        time_axis = temp.get_nav_axes()[0].get_data()
        np.testing.assert_array_equal(time_axis[:must_have + 1], 1000.0 + np.arange(must_have + 1))
