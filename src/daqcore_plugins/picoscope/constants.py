"""PicoScope 5000a facts the plugin needs: resolutions, ranges, couplings, limits, statuses.

Values follow the ps5000a driver's enums (``picosdk.ps5000a``) so the real and simulated devices
share them. Codes are left-justified to the 16-bit scale in every resolution: the maximum ADC
count is 32512 in 8-bit mode and 32767 otherwise (``ps5000aMaximumValue``).
"""

from __future__ import annotations

from daqcore_plugins.picoscope.errors import ScopeConfigError

CHANNELS: tuple[str, ...] = ("A", "B", "C", "D")
"""Analogue input channels of a 4-channel 5000a."""

RESOLUTION_BITS: tuple[int, ...] = (8, 12, 14, 15, 16)
"""Resolutions offered by the flexible-resolution ADC."""

RESOLUTION_ENUM: dict[int, int] = {8: 0, 12: 1, 14: 2, 15: 3, 16: 4}
"""Bits -> ``PS5000A_DEVICE_RESOLUTION`` value."""

MAX_CHANNELS_BY_BITS: dict[int, int] = {8: 4, 12: 4, 14: 4, 15: 2, 16: 1}
"""How many channels each resolution may enable at once."""

STREAMING_MAX_SPS: dict[int, float] = {8: 125e6, 12: 62.5e6, 14: 62.5e6, 15: 62.5e6, 16: 62.5e6}
"""USB-3 streaming limit (samples per second, total over the enabled channels)."""

RANGES_V: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
"""Input ranges (single-sided volts); the enum index of each is its position here."""

RANGE_NAMES: tuple[str, ...] = ("10MV", "20MV", "50MV", "100MV", "200MV", "500MV", "1V", "2V",
                                "5V", "10V", "20V")
"""Driver names of the ranges (``PS5000A_<name>``), in :data:`RANGES_V` order."""

COUPLINGS: dict[str, int] = {"AC": 0, "DC": 1}
"""Coupling name -> ``PS5000A_COUPLING`` value."""

DOWNSAMPLE_MODES: dict[str, int] = {"none": 0, "aggregate": 1, "decimate": 2, "average": 4}
"""Hardware down-sampling (ratio) modes -> ``PS5000A_RATIO_MODE`` value."""

LOST_DATA_CODE = -32768
"""Code the driver writes where data were lost."""

# status codes the stream loop needs (PICO_STATUS)
PICO_OK = 0x00
PICO_DATA_NOT_AVAILABLE = 0x18
PICO_BUFFER_STALL = 0x1C
PICO_NO_SAMPLES_AVAILABLE = 0x25
PICO_BUSY = 0x27
PICO_DRIVER_FUNCTION = 0x43
PICO_POWER_SUPPLY_NOT_CONNECTED = 0x11A
PICO_USB3_0_DEVICE_NON_USB3_0_PORT = 0x11E

TOLERATED_POLL_STATUSES: frozenset[int] = frozenset(
    {PICO_OK, PICO_NO_SAMPLES_AVAILABLE, PICO_BUSY, PICO_DATA_NOT_AVAILABLE,
     PICO_DRIVER_FUNCTION})
"""Statuses of ``GetStreamingLatestValues`` that only mean "nothing this time"."""


def max_adc_count(bits: int) -> int:
    """Maximum ADC count of the resolution (what ``ps5000aMaximumValue`` returns)."""
    check_resolution(bits)
    return 32512 if bits == 8 else 32767


def check_resolution(bits: int) -> int:
    """``bits`` if it is an offered resolution, else :class:`ScopeConfigError`."""
    if bits not in RESOLUTION_BITS:
        raise ScopeConfigError(
            f"resolution {bits} bit is not offered; choose one of {list(RESOLUTION_BITS)}")
    return bits


def parse_range(value: str | float) -> float:
    """A voltage range given as ``'20V'``, ``'500mV'``, ``'0.5'`` or a number -> volts.

    Raises :class:`ScopeConfigError` naming the offered ranges when it is not one of them.
    """
    text = str(value).strip()
    volts: float
    try:
        low = text.lower()
        if low.endswith("mv"):
            volts = float(low[:-2]) / 1000.0
        elif low.endswith("v"):
            volts = float(low[:-1])
        else:
            volts = float(low)
    except ValueError:
        volts = float("nan")
    for offered in RANGES_V:
        if abs(volts - offered) <= 1e-9 * offered:
            return offered
    offered_text = ", ".join(range_label(v) for v in RANGES_V)
    raise ScopeConfigError(f"voltage range {value!r} is not offered; choose one of {offered_text}")


def range_label(volts: float) -> str:
    """``20.0`` -> ``'20V'``, ``0.05`` -> ``'50mV'``."""
    return f"{volts:g}V" if volts >= 1 else f"{volts * 1000:g}mV"


def range_name(volts: float) -> str:
    """Driver name of a range: ``20.0`` -> ``'PS5000A_20V'``."""
    return "PS5000A_" + RANGE_NAMES[RANGES_V.index(parse_range(volts))]


def max_analog_offset(range_v: float) -> float:
    """The largest analogue offset (volts, either sign) allowed on a range."""
    if range_v <= 0.02:
        return 0.25  # the 10/20 mV ranges share the lowest band
    if range_v <= 0.2:
        return 0.25
    if range_v <= 2.0:
        return 2.5
    return 20.0


def parse_channels(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``'A,B'`` (or a sequence) -> ``('A', 'B')``, upper-cased, checked, in order given."""
    items = text.split(",") if isinstance(text, str) else list(text)
    names = tuple(str(c).strip().upper() for c in items if str(c).strip())
    if not names:
        raise ScopeConfigError("no channel given; choose from " + ",".join(CHANNELS))
    for name in names:
        if name not in CHANNELS:
            raise ScopeConfigError(
                f"unknown channel {name!r}; the 5000a has channels {','.join(CHANNELS)}")
    if len(set(names)) != len(names):
        raise ScopeConfigError(f"channel listed twice in {','.join(names)}")
    return names


__all__ = [
    "CHANNELS", "COUPLINGS", "DOWNSAMPLE_MODES", "LOST_DATA_CODE", "MAX_CHANNELS_BY_BITS",
    "PICO_BUFFER_STALL", "PICO_BUSY", "PICO_DATA_NOT_AVAILABLE", "PICO_DRIVER_FUNCTION",
    "PICO_NO_SAMPLES_AVAILABLE", "PICO_OK", "PICO_POWER_SUPPLY_NOT_CONNECTED",
    "PICO_USB3_0_DEVICE_NON_USB3_0_PORT", "RANGES_V", "RANGE_NAMES", "RESOLUTION_BITS",
    "RESOLUTION_ENUM", "STREAMING_MAX_SPS", "TOLERATED_POLL_STATUSES", "check_resolution",
    "max_adc_count", "max_analog_offset", "parse_channels", "parse_range", "range_label",
    "range_name",
]
