"""The streaming configuration of a PicoScope 5000a, checked before anything is opened.

:class:`StreamConfig` gathers what ``picostream`` options and the detector settings describe
(channels, range, coupling, offset, resolution, rate, hardware down-sampling, buffer sizes);
:meth:`StreamConfig.validate` raises :class:`~daqcore_plugins.picoscope.errors.ScopeConfigError`
naming the first problem, and :meth:`StreamConfig.sample_interval_ns` gives the integer-ns
interval the driver will use (the driver rounds the requested interval the same way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from daqcore_plugins.picoscope.constants import (
    COUPLINGS,
    DOWNSAMPLE_MODES,
    MAX_CHANNELS_BY_BITS,
    STREAMING_MAX_SPS,
    check_resolution,
    max_adc_count,
    max_analog_offset,
    parse_channels,
    parse_range,
    range_label,
)
from daqcore_plugins.picoscope.errors import ScopeConfigError


@dataclass(frozen=True)
class ChannelConfig:
    """One enabled input channel.

    Attributes
    ----------
    name : str
        ``'A'`` ... ``'D'``.
    range_v : float
        Single-sided input range in volts (20.0 means ±20 V).
    coupling : {'DC', 'AC'}
    analog_offset_v : float
        Volts the scope adds to the input before the ADC (the input is ``counts·range/max −
        offset``).
    """

    name: str
    range_v: float | str = 20.0
    coupling: str = "DC"
    analog_offset_v: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", parse_channels(self.name)[0])
        object.__setattr__(self, "range_v", parse_range(self.range_v))
        coupling = str(self.coupling).upper()
        if coupling not in COUPLINGS:
            raise ScopeConfigError(
                f"coupling {self.coupling!r} of channel {self.name} is not one of "
                f"{sorted(COUPLINGS)}")
        object.__setattr__(self, "coupling", coupling)
        limit = max_analog_offset(self.volts)
        if not abs(float(self.analog_offset_v)) <= limit:
            raise ScopeConfigError(
                f"analogue offset {self.analog_offset_v} V of channel {self.name} is outside "
                f"±{limit:g} V allowed on the {range_label(self.volts)} range")
        object.__setattr__(self, "analog_offset_v", float(self.analog_offset_v))

    @property
    def volts(self) -> float:
        """The range in volts (``range_v`` is normalised to a float at construction)."""
        return float(self.range_v)


@dataclass(frozen=True)
class StreamConfig:
    """Everything needed to start streaming.

    Attributes
    ----------
    channels : tuple of ChannelConfig
        Enabled channels, in acquisition order.
    resolution_bits : int
        8, 12, 14, 15 or 16.
    sample_rate_sps : float
        Requested rate per channel in samples/s before hardware down-sampling.
    downsample_mode : {'none', 'average', 'aggregate', 'decimate'}
    downsample_ratio : int
        Hardware down-sampling ratio (1: off). ``average`` needs a power of two.
    driver_buffer_seconds : float
        Length of the driver's overview ring buffer, in seconds of output samples.
    rate_limit_sps : float or None
        Override of the device's streaming limit (simulator benchmarks only; ``None``: the
        5000a's USB-3 limit for the resolution).
    """

    channels: tuple[ChannelConfig, ...] = field(default_factory=lambda: (ChannelConfig("A"),))
    resolution_bits: int = 12
    sample_rate_sps: float = 20e6
    downsample_mode: str = "none"
    downsample_ratio: int = 1
    driver_buffer_seconds: float = 1.0
    rate_limit_sps: float | None = None

    @classmethod
    def simple(cls, channels: str = "A", range_v: str | float = 20.0, coupling: str = "DC",
               analog_offset_v: float = 0.0, **kwargs: object) -> StreamConfig:
        """Same range, coupling and offset on every channel of ``'A,B'``."""
        chans = tuple(ChannelConfig(name, range_v, coupling, analog_offset_v)
                      for name in parse_channels(channels))
        return cls(channels=chans, **kwargs)  # type: ignore[arg-type]

    # ---------------------------------------------------------------- derived values
    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    @property
    def max_adc(self) -> int:
        return max_adc_count(self.resolution_bits)

    @property
    def sample_interval_ns(self) -> int:
        """Raw sample interval the driver uses: ``int(1e9 / rate)`` ns (PicoStream's rule)."""
        return max(1, int(1e9 / float(self.sample_rate_sps) + 1e-9))

    @property
    def ratio(self) -> int:
        return 1 if self.downsample_mode == "none" else int(self.downsample_ratio)

    @property
    def output_interval_ns(self) -> int:
        """Interval between stored samples (raw interval times the down-sampling ratio)."""
        return self.sample_interval_ns * self.ratio

    @property
    def values_per_step(self) -> int:
        """Stored values per output time step: 2 in aggregate mode (min, max), else 1."""
        return 2 if self.downsample_mode == "aggregate" else 1

    @property
    def output_rate_sps(self) -> float:
        """Stored values per second per channel."""
        return 1e9 / self.output_interval_ns * self.values_per_step

    @property
    def driver_buffer_samples(self) -> int:
        """Length of the driver ring buffer (output samples per channel, at least 4096)."""
        return max(4096, int(self.driver_buffer_seconds * 1e9 / self.output_interval_ns))

    # ---------------------------------------------------------------- checks
    def validate(self) -> StreamConfig:
        """Check the whole configuration against the 5000a; return ``self``."""
        check_resolution(self.resolution_bits)
        if not self.channels:
            raise ScopeConfigError("no channel enabled")
        names = self.channel_names
        if len(set(names)) != len(names):
            raise ScopeConfigError(f"channel listed twice in {','.join(names)}")
        allowed = MAX_CHANNELS_BY_BITS[self.resolution_bits]
        if len(names) > allowed:
            raise ScopeConfigError(
                f"{self.resolution_bits}-bit resolution allows {allowed} channel(s), "
                f"{len(names)} enabled ({','.join(names)})")
        rate = float(self.sample_rate_sps)
        if not (math.isfinite(rate) and rate > 0):
            raise ScopeConfigError(f"sample rate {self.sample_rate_sps!r} must be positive")
        limit = (STREAMING_MAX_SPS[self.resolution_bits] if self.rate_limit_sps is None
                 else float(self.rate_limit_sps))
        actual_total = 1e9 / self.sample_interval_ns * len(names)
        if rate * len(names) > limit * (1 + 1e-9) or actual_total > limit * (1 + 1e-9):
            raise ScopeConfigError(
                f"{rate / 1e6:g} MS/s on {len(names)} channel(s) exceeds the streaming limit of "
                f"{limit / 1e6:g} MS/s total at {self.resolution_bits}-bit "
                f"(at most {limit / len(names) / 1e6:g} MS/s per channel)")
        mode = self.downsample_mode
        if mode not in DOWNSAMPLE_MODES or mode == "decimate":
            raise ScopeConfigError(
                f"down-sampling mode {mode!r} is not one of 'none', 'average', 'aggregate'")
        ratio = int(self.downsample_ratio)
        if ratio < 1 or ratio != self.downsample_ratio:
            raise ScopeConfigError(f"down-sampling ratio {self.downsample_ratio!r} must be >= 1")
        if mode == "average" and ratio & (ratio - 1):
            raise ScopeConfigError(f"average down-sampling needs a power-of-two ratio, got {ratio}")
        if mode == "aggregate" and ratio < 2:
            raise ScopeConfigError("aggregate down-sampling needs a ratio > 1")
        if mode == "none" and ratio != 1:
            raise ScopeConfigError(f"down-sampling ratio {ratio} given without a mode "
                                   "(use 'average' or 'aggregate')")
        if not self.driver_buffer_seconds > 0:
            raise ScopeConfigError("driver_buffer_seconds must be positive")
        return self


__all__ = ["ChannelConfig", "StreamConfig"]
