"""The PicoStream file layout: dataset names and root attributes of a picoscope stream file.

Single channel (any of A-D): PicoStream's own names, so scripts written for PicoStream files
keep working: one root dataset ``adc_counts`` and the root attributes ``resolution``,
``sample_interval_ns`` (driver interval before hardware down-sampling), ``voltage_range_v``,
``max_adc``, ``channel_<x>_coupling``, ``channel_<x>_range``, ``downsample_mode``,
``hardware_downsample_ratio``, ``data_format_version``, ``interleaved_format``,
``analog_offset_v`` (+ ``aggregate_format`` / ``aggregate_description`` in aggregate mode).

Several channels: one dataset per channel, ``adc_counts_a``, ``adc_counts_b``, ...; the root
attributes above describe the first channel (so a PicoStream reader still reads a file), and
every channel has ``channel_<x>_voltage_range_v`` and ``channel_<x>_analog_offset_v`` too.
``channels`` lists the channel letters in dataset order. The stream sink adds its own
bookkeeping (``stream_head``, ``stream_gaps``, counts) described in
:mod:`daqcore.saving.stream_sink`.
"""

from __future__ import annotations

from typing import Any

from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.constants import range_name

DATA_FORMAT_VERSION = "1.0"
SINGLE_DATASET = "adc_counts"


def dataset_names(channels: tuple[str, ...]) -> dict[str, str]:
    """Channel letter -> dataset name (``adc_counts`` alone, else ``adc_counts_<x>``)."""
    if len(channels) == 1:
        return {channels[0]: SINGLE_DATASET}
    return {ch: f"{SINGLE_DATASET}_{ch.lower()}" for ch in channels}


def picostream_attrs(config: StreamConfig, interval_ns: int, max_adc: int) -> dict[str, Any]:
    """Root attributes of a stream file for ``config`` (``interval_ns`` as the driver set it)."""
    first = config.channels[0]
    mode = "average" if config.downsample_mode == "none" else config.downsample_mode
    attrs: dict[str, Any] = {
        "resolution": f"PS5000A_DR_{config.resolution_bits}BIT",
        "resolution_bits": config.resolution_bits,
        "sample_interval_ns": int(interval_ns),
        "voltage_range_v": float(first.volts),
        "max_adc": int(max_adc),
        "analog_offset_v": float(first.analog_offset_v),
        "downsample_mode": mode,
        "hardware_downsample_ratio": int(config.ratio),
        "data_format_version": DATA_FORMAT_VERSION,
        "interleaved_format": config.downsample_mode == "aggregate",
        "channels": ",".join(config.channel_names),
        "device": "PicoScope 5000a",
    }
    if config.downsample_mode == "aggregate":
        attrs["aggregate_format"] = "interleaved_min_max"
        attrs["aggregate_description"] = (
            "two values per hardware time step: the minimum then the maximum of the "
            f"{config.ratio} raw samples of the step")
    for chan in config.channels:
        key = f"channel_{chan.name.lower()}"
        attrs[f"{key}_coupling"] = f"PS5000A_{chan.coupling}"
        attrs[f"{key}_range"] = range_name(chan.volts)
        attrs[f"{key}_voltage_range_v"] = float(chan.volts)
        attrs[f"{key}_analog_offset_v"] = float(chan.analog_offset_v)
    return attrs


__all__ = ["DATA_FORMAT_VERSION", "SINGLE_DATASET", "dataset_names", "picostream_attrs"]
