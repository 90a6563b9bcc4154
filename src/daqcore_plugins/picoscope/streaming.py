"""Stream a PicoScope to an HDF5 file: device + stream engine + stream sink, sized for the rate.

:func:`stream_to_file` is what ``daqcore picostream`` runs; scripts can call it directly::

    from daqcore_plugins.picoscope import StreamConfig, stream_to_file
    run = stream_to_file("data.hdf5", StreamConfig.simple("A", "2V", sample_rate_sps=10e6),
                         duration=1.0, sim=True)
    print("\\n".join(run.summary_lines()))
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daqcore.acquisition.stream import PoolPolicy, StreamEngine, StreamResult
from daqcore.saving.stream_sink import StreamSink, Verification
from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.device import ScopeDevice
from daqcore_plugins.picoscope.errors import ScopeConfigError
from daqcore_plugins.picoscope.layout import dataset_names
from daqcore_plugins.picoscope.source import ScopeStreamSource

MIN_BLOCK = 1 << 16
MAX_BLOCK = 1 << 22


@dataclass
class StreamRun:
    """What :func:`stream_to_file` did: the engine's result and the file check."""

    path: Path
    result: StreamResult
    verification: Verification | None
    config: StreamConfig
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """The run ended normally (planned or stopped), lost nothing, and its file checks."""
        return self.result.status in ("finished", "stopped") and self.result.counts.lost == 0 \
            and (self.verification is None or self.verification.ok)

    def summary_lines(self) -> list[str]:
        lines = [f"file: {self.path}", *self.result.summary_lines()]
        if self.verification is not None:
            lines.append(("verified: " if self.verification.ok else "VERIFICATION FAILED: ")
                         + self.verification.message)
        return lines


def plan_pool(output_rate: float, n_channels: int, pool_seconds: float) -> tuple[int, int]:
    """``(block_samples, n_buffers)``: blocks of about 50 ms, a pool of ``pool_seconds``."""
    if pool_seconds <= 0:
        raise ScopeConfigError(f"pool_seconds {pool_seconds} must be positive")
    block = int(min(MAX_BLOCK, max(MIN_BLOCK, output_rate * 0.05)))
    n_buffers = max(4, round(pool_seconds * output_rate / block))
    return block, n_buffers


def make_device(sim: bool, **sim_options: Any) -> ScopeDevice:
    """A simulated device, or the real one (``picosdk`` must be installed)."""
    if sim:
        from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a

        return SimulatedPicoScope5000a(**sim_options)
    from daqcore_plugins.picoscope.real_device import PicoScope5000a

    return PicoScope5000a()


def build_engine(path: str | os.PathLike[str], config: StreamConfig, *,
                 device: ScopeDevice, max_buff_sec: float | None = None,
                 pool_seconds: float = 2.0, on_pool_exhausted: PoolPolicy = "stop",
                 max_samples: int | None = None) -> tuple[StreamEngine, StreamSink]:
    """The engine and sink of a picoscope stream (validates everything before opening)."""
    config.validate()
    rate = config.output_rate_sps
    ring = None
    if max_buff_sec is not None:
        if not max_buff_sec > 0:
            raise ScopeConfigError(f"--max-buff-sec {max_buff_sec} must be positive")
        ring = max(1, int(max_buff_sec * rate))
    block, n_buffers = plan_pool(rate, len(config.channels), pool_seconds)
    sink = StreamSink(path, dataset_names=dataset_names, ring_samples=ring,
                      chunk_samples=min(block, 1 << 20))
    engine = StreamEngine(ScopeStreamSource(device, config), [sink], block_samples=block,
                          n_buffers=n_buffers, on_pool_exhausted=on_pool_exhausted,
                          max_samples=max_samples, title="picostream",
                          metadata={"software": "daqcore picostream"})
    return engine, sink


def stream_to_file(path: str | os.PathLike[str], config: StreamConfig, *,
                   duration: float | None = None, max_buff_sec: float | None = None,
                   sim: bool = False, device: ScopeDevice | None = None,
                   pool_seconds: float = 2.0, on_pool_exhausted: PoolPolicy = "stop",
                   max_samples: int | None = None,
                   on_start: Callable[[StreamEngine], None] | None = None,
                   on_tick: Callable[[StreamEngine], None] | None = None,
                   tick: float = 0.5) -> StreamRun:
    """Stream ``config`` into ``path`` for ``duration`` s (or until Ctrl+C / ``max_samples``).

    ``on_start(engine)`` runs once the file exists (e.g. to open a viewer), ``on_tick(engine)``
    every ``tick`` seconds (a status line).
    """
    engine, sink = build_engine(path, config, device=device or make_device(sim),
                                max_buff_sec=max_buff_sec, pool_seconds=pool_seconds,
                                on_pool_exhausted=on_pool_exhausted, max_samples=max_samples)

    interrupted = False
    try:
        result = engine.run(duration=duration, on_tick=on_tick, tick=tick, on_start=on_start)
    except KeyboardInterrupt:  # Ctrl+C is the normal end of an open-ended run
        interrupted = True
        result = engine.wait()
    return StreamRun(Path(path), result, sink.verification, config, interrupted)


__all__ = ["StreamRun", "build_engine", "make_device", "plan_pool", "stream_to_file"]
