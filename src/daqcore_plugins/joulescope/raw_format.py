"""JS110 raw sample words and 512-byte USB bulk packets.

Each sample is two little-endian u16 words, current then voltage:

=========  ==================  ===================  ====================
word       bits 15..2          bit 1                bit 0
=========  ==================  ===================  ====================
current    14-bit current code current range bit 1  current range bit 0
voltage    14-bit voltage code sample toggle        current range bit 2
=========  ==================  ===================  ====================

A sample whose two words are both ``0xFFFF`` is *missing* (current range 8). The voltage
range (0 = 15 V, 1 = 5 V) is not in the words; it comes from the USB packet header.

USB packet: byte 0 type (1), byte 1 status (0), bytes 2-3 length (low 15 bits, 512) with
bit 15 the voltage range, bytes 4-5 packet index (u16, wraps), bytes 6-7 USB frame index,
then 126 samples.
"""

from __future__ import annotations

import numpy as np

SAMPLES_PER_PACKET = 126
PACKET_SIZE = 512
PACKET_HEADER_SIZE = 8
I_RANGE_OFF = 7
I_RANGE_MISSING = 8
MISSING_WORD = 0xFFFF

#: Current range index -> name (as the device's ``i_range`` parameter spells it).
I_RANGE_NAMES = ["10 A", "2 A", "180 mA", "18 mA", "1.8 mA", "180 µA", "18 µA", "off", "missing"]
#: Current range index -> full scale in amperes (ranges 0..6).
I_RANGE_FULL_SCALE = [10.0, 2.0, 0.18, 0.018, 0.0018, 180e-6, 18e-6]
V_RANGE_NAMES = ["15V", "5V"]
V_RANGE_FULL_SCALE = [15.0, 5.0]


def decode_words(i_word: np.ndarray, v_word: np.ndarray):
    """Decode raw words into (missing mask, current range u8, bits u8).

    ``bits = (voltage_lsb << 5) | (current_lsb << 4) | current_range`` as joulescope.
    """
    i_word = i_word.astype(np.uint16, copy=False)
    v_word = v_word.astype(np.uint16, copy=False)
    missing = (i_word == MISSING_WORD) & (v_word == MISSING_WORD)
    i_range = ((i_word & 3) | ((v_word & 1) << 2)).astype(np.uint8)
    i_range[missing] = I_RANGE_MISSING
    bits = (i_range | ((i_word & 4) << 2) | ((v_word & 4) << 3)).astype(np.uint8)
    return missing, i_range, bits


def encode_words(i_code: np.ndarray, v_code: np.ndarray, i_range: np.ndarray,
                 first_toggle: int = 0) -> np.ndarray:
    """Build interleaved raw u16 words from 14-bit codes and current ranges (0..7)."""
    n = len(i_code)
    i_code = np.clip(np.asarray(i_code), 0, 16383).astype(np.uint16)
    v_code = np.clip(np.asarray(v_code), 0, 16383).astype(np.uint16)
    i_range = np.asarray(i_range).astype(np.uint16)
    toggle = ((np.arange(n) + first_toggle) & 1).astype(np.uint16)
    raw = np.empty(2 * n, dtype=np.uint16)
    raw[0::2] = (i_code << 2) | (i_range & 3)
    raw[1::2] = (v_code << 2) | (toggle << 1) | ((i_range >> 2) & 1)
    return raw


def usb_packets(raw: np.ndarray, packet_index0: int = 0, voltage_range: int = 0) -> np.ndarray:
    """Wrap interleaved raw words (whole packets only) into 512-byte JS110 USB packets.

    Returns a u8 array of ``count * 512`` bytes; trailing samples that do not fill a packet
    are dropped.
    """
    raw = np.asarray(raw, dtype=np.uint16).reshape(-1)
    count = (len(raw) // 2) // SAMPLES_PER_PACKET
    pk = np.zeros((count, PACKET_SIZE // 2), dtype="<u2")
    pk[:, 0] = 0x0001
    pk[:, 1] = PACKET_SIZE | ((int(voltage_range) & 1) << 15)
    pk[:, 2] = (int(packet_index0) + np.arange(count)) & 0xFFFF
    pk[:, 3] = 0
    pk[:, 4:] = raw[: count * SAMPLES_PER_PACKET * 2].reshape((count, SAMPLES_PER_PACKET * 2))
    return pk.view(np.uint8).reshape(-1)



#: Output sampling frequencies a JS110 offers (Hz), highest first.
SAMPLING_FREQUENCIES = (2e6, 1e6, 5e5, 2e5, 1e5, 5e4, 2e4, 1e4, 5e3, 2e3, 1e3, 500.0, 200.0,
                        100.0, 50.0, 20.0, 10.0)
#: Statistics (reduction) frequencies a JS110 offers (Hz).
REDUCTION_FREQUENCIES = (1, 2, 5, 10, 20, 50, 100)

__all__ = [
    "I_RANGE_FULL_SCALE",
    "I_RANGE_MISSING",
    "I_RANGE_NAMES",
    "I_RANGE_OFF",
    "MISSING_WORD",
    "PACKET_HEADER_SIZE",
    "PACKET_SIZE",
    "REDUCTION_FREQUENCIES",
    "SAMPLES_PER_PACKET",
    "SAMPLING_FREQUENCIES",
    "V_RANGE_FULL_SCALE",
    "V_RANGE_NAMES",
    "decode_words",
    "encode_words",
    "usb_packets",
]
