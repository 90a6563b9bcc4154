"""The pool side of the stream engine: counts, results and the producer's block filler.

Split from :mod:`daqcore.acquisition.stream` (which re-exports every name here): a
:class:`BlockFiller` copies the samples a source delivers into pre-allocated pool buffers and
hands full ones to the writer queue without ever waiting; :class:`StreamCounts` keeps what was
produced, written and lost; :class:`StreamResult` is how a run ended.
"""

from __future__ import annotations

import queue
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from daqcore.acquisition.errors import AcquisitionError
from daqcore.data.records import RunStatus, error_text

PoolPolicy = Literal["stop", "drop"]
POOL_POLICIES: tuple[str, ...] = ("stop", "drop")


class StreamError(AcquisitionError, RuntimeError):
    """A stream run could not start, or ended with an inconsistency in its counts."""


class PoolExhaustedError(StreamError):
    """Every pool buffer was waiting for the writer: the subscribers are slower than the source."""


@dataclass(frozen=True)
class PollResult:
    """What one :meth:`StreamSource.poll` did.

    Attributes
    ----------
    n_samples : int
        Samples per channel it wrote into the filler (gaps the device reported are given to
        :meth:`BlockFiller.note_gap` at their place in the stream).
    stalled : bool
        The device reported a stall.
    overrange : tuple of str
        Channels that went over range in these samples.
    """

    n_samples: int = 0
    stalled: bool = False
    overrange: tuple[str, ...] = ()


@dataclass
class StreamCounts:
    """Sample counts of a stream run (samples per channel).

    Attributes
    ----------
    produced : int
        Delivered by the source (stored or dropped).
    written : int
        Emitted in blocks every subscriber accepted.
    lost_pool : int
        Dropped because no pool buffer was free.
    lost_write : int
        Acquired but not written because a subscriber failed.
    lost_device : int
        Never acquired: device stalls (a time gap in the stream).
    stalls : int
        Stall reports of the device.
    blocks : int
        Blocks emitted.
    overrange : dict of str to int
        Polls in which each channel went over range.
    """

    produced: int = 0
    written: int = 0
    lost_pool: int = 0
    lost_write: int = 0
    lost_device: int = 0
    stalls: int = 0
    blocks: int = 0
    overrange: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        """Every sample lost, whatever the reason."""
        return self.lost_pool + self.lost_write + self.lost_device

    def as_dict(self) -> dict[str, int]:
        """Flat counters for :attr:`RunStop.counts` (``overrange_A`` ... per channel)."""
        out = {"n_produced": self.produced, "n_written": self.written,
               "n_lost": self.lost, "n_lost_pool": self.lost_pool,
               "n_lost_write": self.lost_write, "n_lost_device": self.lost_device,
               "n_stalls": self.stalls, "n_blocks": self.blocks}
        out.update({f"overrange_{name}": n for name, n in self.overrange.items()})
        return out


@dataclass
class StreamResult:
    """How a stream run ended (what :meth:`StreamEngine.wait` and ``run`` return)."""

    status: RunStatus
    counts: StreamCounts
    elapsed: float
    """Seconds from the source's start to the end of acquisition (draining excluded)."""
    sample_interval: float
    error: BaseException | None = field(default=None, repr=False)

    @property
    def rate(self) -> float:
        """Samples per second per channel actually produced."""
        return self.counts.produced / self.elapsed if self.elapsed > 0 else 0.0

    def summary_lines(self) -> list[str]:
        """Human-readable end-of-run summary."""
        c = self.counts
        nominal = 1.0 / self.sample_interval if self.sample_interval > 0 else 0.0
        lines = [
            f"status: {self.status}" + (f" ({error_text(self.error)})" if self.error else ""),
            f"duration: {self.elapsed:.3f} s, rate {self.rate / 1e6:.3f} MS/s per channel "
            f"(configured {nominal / 1e6:.3f} MS/s)",
            f"samples: produced {c.produced:,}, written {c.written:,}, lost {c.lost:,} "
            f"(pool {c.lost_pool:,}, writer {c.lost_write:,}, device stalls {c.lost_device:,} "
            f"in {c.stalls} stall(s))",
            f"blocks written: {c.blocks}",
        ]
        over = {k: v for k, v in c.overrange.items() if v}
        if over:
            lines.append("over range: " + ", ".join(f"{k} in {v} poll(s)" for k, v in over.items()))
        return lines


class BlockFiller:
    """The producer side of the pool: copies samples into buffers, hands full ones over.

    Sources call :meth:`write`; everything else is the engine's.
    """

    def __init__(self, pool: list[np.ndarray], channels: Sequence[str], policy: PoolPolicy,
                 max_samples: int | None) -> None:
        self._pool = pool
        self._channels = tuple(channels)
        self._policy = policy
        self._block = pool[0].shape[1]
        self.free: queue.SimpleQueue[int] = queue.SimpleQueue()
        self.full: queue.SimpleQueue[tuple[int, int, int, int] | None] = queue.SimpleQueue()
        for i in range(len(pool)):
            self.free.put(i)
        self._current: int | None = self.free.get_nowait()
        self._fill = 0
        self._block_first = 0  # stream index of the first sample of the current buffer
        self._lost_before = 0  # lost samples to report with the next block
        self.next_sample = 0  # stream index of the next sample (lost ones included)
        self.produced = 0
        self.lost_pool = 0
        self.lost_device = 0
        self.exhausted = False
        self._max_samples = max_samples

    @property
    def remaining(self) -> int | None:
        """Samples still accepted before ``max_samples`` is reached (None: unlimited)."""
        if self._max_samples is None:
            return None
        return max(0, self._max_samples - self.produced)

    def note_gap(self, n: int) -> None:
        """Record ``n`` samples the device never acquired before the next ones."""
        if n > 0:
            if self._current is not None and self._fill:
                self._submit()  # the gap falls between two blocks
            self.lost_device += n
            self.next_sample += n
            self._lost_before += n
            if self._current is not None and self._fill == 0:
                self._block_first = self.next_sample

    def write(self, arrays: Sequence[np.ndarray], start: int = 0, n: int | None = None) -> int:
        """Copy ``arrays[c][start:start + n]`` for every channel ``c`` (in channel order).

        Returns the number of samples taken (fewer than ``n`` only once ``max_samples`` is
        reached; dropped samples count as taken).
        """
        if n is None:
            n = int(arrays[0].shape[0]) - start
        remaining = self.remaining
        if remaining is not None:
            n = min(n, remaining)
        done = 0
        while done < n:
            if self._current is None and not self._take_buffer():
                dropped = n - done
                self.produced += dropped
                self.lost_pool += dropped
                self._lost_before += dropped
                self.next_sample += dropped
                done = n
                break
            assert self._current is not None
            buf = self._pool[self._current]
            step = min(n - done, self._block - self._fill)
            lo = start + done
            for c in range(len(self._channels)):
                buf[c, self._fill:self._fill + step] = arrays[c][lo:lo + step]
            self._fill += step
            self.next_sample += step
            self.produced += step
            done += step
            if self._fill == self._block:
                self._submit()
        return done

    def _take_buffer(self) -> bool:
        if self.exhausted and self._policy == "stop":
            return False
        try:
            self._current = self.free.get_nowait()
        except queue.Empty:
            self.exhausted = True
            return False
        self._fill = 0
        self._block_first = self.next_sample
        return True

    def _submit(self) -> None:
        """Hand the current buffer (if it holds samples) to the writer, take the next one."""
        if self._current is None:
            return
        if self._fill:
            first = self.next_sample - self._fill
            self.full.put((self._current, self._fill, first, self._lost_before))
            self._lost_before = 0
            self._current = None
            self._take_buffer()

    def flush_partial(self) -> None:
        """Send the partly filled buffer (shutdown) and give up the current buffer."""
        if self._current is not None and self._fill:
            first = self.next_sample - self._fill
            self.full.put((self._current, self._fill, first, self._lost_before))
            self._lost_before = 0
        self._current = None


def prefault(pool: list[np.ndarray]) -> None:
    for buf in pool:
        buf.fill(0)


__all__ = [
    "POOL_POLICIES",
    "BlockFiller",
    "PollResult",
    "PoolExhaustedError",
    "PoolPolicy",
    "StreamCounts",
    "StreamError",
    "StreamResult",
    "prefault",
]
