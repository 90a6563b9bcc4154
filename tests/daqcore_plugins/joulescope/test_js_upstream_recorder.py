"""joulescope's own DataRecorder/DataReader tests, run against ours.

The tests ship in the joulescope wheel (``joulescope/test/test_data_recorder.py``). They are
imported from there; the names they imported (``DataRecorder``, ``DataReader``, the
``data_recorder`` module whose constants they patch, the v0 ``StreamBuffer`` and packet
factories) are rebound to daqcore's, as a user switching would do. ``datafile`` stays
joulescope's: its reader then parses files written by our recorder.
"""

from __future__ import annotations

import pytest

from daqcore_plugins.joulescope import data_recorder, stream_buffer

pytest.importorskip("joulescope")
upstream = pytest.importorskip("joulescope.test.test_data_recorder")

upstream.DataRecorder = data_recorder.DataRecorder
upstream.DataReader = data_recorder.DataReader
upstream.data_recorder = data_recorder
upstream.StreamBuffer = stream_buffer.StreamBuffer
upstream.usb_packet_factory = stream_buffer.usb_packet_factory
upstream.usb_packet_factory_signal = stream_buffer.usb_packet_factory_signal

TestDataRecorder = upstream.TestDataRecorder
TestDataRecorderInsert = upstream.TestDataRecorderInsert

# joulescope's recorder tests with its DownsamplingStreamBuffer (float32_v2 files): our
# recorder and reader, joulescope's buffer (we have no downsampling buffer)
upstream_ds = pytest.importorskip("joulescope.test.test_data_recorder_downsampled")
upstream_ds.DataRecorder = data_recorder.DataRecorder
upstream_ds.DataReader = data_recorder.DataReader
TestDataRecorderDownsampled = upstream_ds.TestDataRecorderDownsampled
