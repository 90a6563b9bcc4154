"""JS110 USB bulk input of the StreamBuffer (512-byte packets, lost-packet detection).

A mixin of :class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer`; it writes through
the buffer's ``_write_raw``.
"""

from __future__ import annotations

import numpy as np

from .buffer_state import BufferState
from .errors import InvalidRawDataError
from .raw_format import PACKET_HEADER_SIZE, PACKET_SIZE, SAMPLES_PER_PACKET


class UsbInputMixin(BufferState):
    """``insert()`` of JS110 USB packets."""

    def insert(self, data) -> bool:
        """Insert JS110 USB bulk data (whole 512-byte packets; a trailing partial is ignored).

        Gaps in the packet index insert 126 missing samples (0xFFFF words) per lost packet.
        Returns True to request the end of streaming.
        """
        if data is None:
            return True
        if isinstance(data, np.ndarray):
            buf = np.ascontiguousarray(data).reshape(-1)
            if buf.dtype != np.uint8:
                if buf.dtype.kind not in "ui":
                    raise InvalidRawDataError(f"USB data must be bytes or uint8, got {buf.dtype}")
                buf = buf.view(np.uint8) if buf.dtype.itemsize > 1 else buf.astype(np.uint8)
        elif isinstance(data, (bytes, bytearray, memoryview)):
            buf = np.frombuffer(data, dtype=np.uint8)
        else:
            raise InvalidRawDataError(f"USB data must be bytes or a uint8 array, got "
                                      f"{type(data).__name__}")
        npk = len(buf) // PACKET_SIZE
        if npk:
            self._insert_packets(buf[:npk * PACKET_SIZE].reshape(npk, PACKET_SIZE))
        return self._check_stop()

    def _insert_packets(self, pk: np.ndarray) -> None:
        words = np.ascontiguousarray(pk).view("<u2")     # (npk, 256) little-endian words
        w0 = words[:, 0]                                  # type | status << 8
        w1 = words[:, 1]                                  # length | voltage range << 15
        expected = (self._packet_index + np.arange(len(pk))) & 0xFFFF
        if ((w0 == 1).all() and (w1 == w1[0]).all() and (w1[0] & 0x7FFF) == PACKET_SIZE
                and (words[:, 2] == expected).all()):
            vr0 = int(w1[0]) >> 15
            self._usb_voltage_range = vr0
            self._write_raw(words[:, PACKET_HEADER_SIZE // 2:].reshape(-1), vr0)
            self._packet_index += len(pk)
            return
        ptype = pk[:, 0]
        status = pk[:, 1]
        plen = w1 & 0x7FFF
        vr = w1 >> 15
        pidx = words[:, 2].astype(np.int64)
        payload = words[:, PACKET_HEADER_SIZE // 2:]
        missing_block = np.full(SAMPLES_PER_PACKET * 2, 0xFFFF, dtype=np.uint16)
        for j in range(len(pk)):
            if ptype[j] != 1:
                self._packet_type_invalid_count += 1
                continue
            if status[j] == 0 and plen[j] == PACKET_SIZE:
                gap = (int(pidx[j]) - self._packet_index) & 0xFFFF
                for _ in range(gap):
                    self._write_raw(missing_block, self._usb_voltage_range)
                    self._packet_index += 1
                    self._packet_missing_count += 1
                self._usb_voltage_range = int(vr[j])
            else:
                self._packet_data_invalid_count += 1
            self._write_raw(np.ascontiguousarray(payload[j]), self._usb_voltage_range)
            self._packet_index += 1


__all__ = ["UsbInputMixin"]
