"""Test signals of the simulated scope, synthesised once into periodic tables of ADC codes.

Streaming at 125 MS/s leaves no time to evaluate a sine per sample in Python, so each channel's
signal is computed once over a table of ``length`` output samples (frequencies are adjusted so
that a whole number of periods fits the table) and the simulator copies slices of it. The noise
is baked into the table and so repeats with the table period (about 1 M samples).

A :class:`Signal` is in volts at the scope input; :func:`signal_table` adds the analogue
offset, quantises to the resolution (codes left-justified to 16 bits), clips at ±max ADC and
marks the clipped (over-range) samples. Hardware down-sampling is applied to the table itself
(:func:`downsample_table`), so it costs nothing while streaming.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIGNAL_KINDS: tuple[str, ...] = ("sine", "square", "noise", "burst", "dc")


@dataclass(frozen=True)
class Signal:
    """A periodic test signal.

    Attributes
    ----------
    kind : {'sine', 'square', 'noise', 'burst', 'dc'}
        ``burst``: a sine switched on during ``duty`` of every ``burst_period_s``.
    amplitude_v : float
        Peak amplitude (volts).
    frequency_hz : float
        Signal frequency (adjusted to fit the table a whole number of times).
    offset_v : float
        DC level added (volts).
    noise_v : float
        RMS of the Gaussian noise added (volts).
    duty : float
        Fraction of the burst period (or of a square period) that is "on".
    burst_period_s : float
        Period of the bursts.
    """

    kind: str = "sine"
    amplitude_v: float = 1.0
    frequency_hz: float = 1e6
    offset_v: float = 0.0
    noise_v: float = 0.0
    duty: float = 0.5
    burst_period_s: float = 1e-3

    def __post_init__(self) -> None:
        if self.kind not in SIGNAL_KINDS:
            from daqcore_plugins.picoscope.errors import ScopeConfigError

            raise ScopeConfigError(f"signal kind {self.kind!r} is not one of {SIGNAL_KINDS}")


def _cycles(freq: float, span_s: float) -> int:
    return max(1, round(freq * span_s))


def signal_volts(signal: Signal, length: int, dt_s: float, seed: int = 0) -> np.ndarray:
    """``length`` samples of ``signal`` (volts) at interval ``dt_s``, periodic over the table."""
    k = np.arange(length, dtype=np.float64)
    span = length * dt_s
    phase = 2 * np.pi * _cycles(signal.frequency_hz, span) * k / length
    if signal.kind == "sine":
        v = signal.amplitude_v * np.sin(phase)
    elif signal.kind == "square":
        frac = (phase / (2 * np.pi)) % 1.0
        v = np.where(frac < signal.duty, signal.amplitude_v, -signal.amplitude_v)
    elif signal.kind == "burst":
        gate_frac = (_cycles(1.0 / signal.burst_period_s, span) * k / length) % 1.0
        v = np.where(gate_frac < signal.duty, signal.amplitude_v * np.sin(phase), 0.0)
    else:  # noise, dc
        v = np.zeros(length)
    v = v + signal.offset_v
    if signal.noise_v > 0 or signal.kind == "noise":
        rms = signal.noise_v if signal.noise_v > 0 else signal.amplitude_v
        v += np.random.default_rng(seed).normal(0.0, rms, length)
    return v


def quantise(volts: np.ndarray, range_v: float, analog_offset_v: float, bits: int,
             max_adc: int) -> tuple[np.ndarray, np.ndarray]:
    """Volts at the input -> (int16 codes, over-range flags) as the ADC produces them."""
    scaled = (volts + analog_offset_v) / range_v * max_adc
    step = 1 << (16 - bits) if bits < 16 else 1
    codes = np.round(scaled / step) * step
    over = np.abs(scaled) > max_adc
    return np.clip(codes, -max_adc, max_adc).astype(np.int16), over


def downsample_table(codes: np.ndarray, over: np.ndarray, mode: str,
                     ratio: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Apply hardware down-sampling to a table whose length is a multiple of ``ratio``.

    Returns ``(max_or_value, min_or_None, over_flags)``: ``average`` gives the mean of each group
    of ``ratio`` codes (rounded); ``aggregate`` gives the max and min of each group.
    """
    if mode == "none" or ratio == 1:
        return codes, None, over
    groups = codes.reshape(-1, ratio)
    flags: np.ndarray = np.asarray(over.reshape(-1, ratio).any(axis=1))
    if mode == "average":
        return np.round(groups.mean(axis=1)).astype(np.int16), None, flags
    return groups.max(axis=1), groups.min(axis=1), flags


def default_signals() -> dict[str, Signal]:
    """A sine on A, a square on B, noise on C and bursts on D (volts fit the 20 V range)."""
    return {
        "A": Signal("sine", amplitude_v=1.0, frequency_hz=1e6, noise_v=0.005),
        "B": Signal("square", amplitude_v=0.5, frequency_hz=10e3, noise_v=0.002),
        "C": Signal("noise", amplitude_v=0.1),
        "D": Signal("burst", amplitude_v=2.0, frequency_hz=5e6, burst_period_s=1e-3, duty=0.1),
    }


__all__ = ["SIGNAL_KINDS", "Signal", "default_signals", "downsample_table", "quantise",
           "signal_volts"]
