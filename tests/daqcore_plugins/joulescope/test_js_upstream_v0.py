"""joulescope's own v0 StreamBuffer / statistics tests, run against our drop-in.

The tests ship in the joulescope wheel (``joulescope/v0/test``); they are imported from
there and only the names they imported from ``joulescope.v0.stream_buffer`` are rebound to
``daqcore_plugins.joulescope.stream_buffer``, as a user switching would do.
"""

from __future__ import annotations

import pytest

from daqcore_plugins.joulescope import stream_buffer as ours

pytest.importorskip("joulescope")
upstream_sb = pytest.importorskip("joulescope.v0.test.test_stream_buffer")
upstream_stats = pytest.importorskip("joulescope.v0.test.test_stats")


def _rebind(module, names):
    for name in names:
        setattr(module, name, getattr(ours, name))


_rebind(upstream_sb, ["Statistics", "RawProcessor", "StreamBuffer", "usb_packet_factory",
                      "STATS_DTYPE", "STATS_FIELD_COUNT"])
upstream_stats.Statistics = ours.RunningStatistics
_rebind(upstream_stats, ["stats_compute", "stats_array_factory"])

TestStatistics = upstream_sb.TestStatistics
TestRawProcessor = upstream_sb.TestRawProcessor
TestStreamBuffer = upstream_sb.TestStreamBuffer
TestRunningStatistics = upstream_stats.TestStatistics
