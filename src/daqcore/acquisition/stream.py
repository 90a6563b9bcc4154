"""A loss-accounting stream engine: a producer thread polls a source, a writer thread emits blocks.

The picture is PicoStream's producer/consumer with its flaws removed:

* a **pool** of pre-allocated buffers (``n_buffers`` × channels × ``block_samples``) is touched
  once at start, so the producer never allocates;
* the **producer** thread polls a :class:`StreamSource`, which copies its new samples into the
  engine through :meth:`BlockFiller.write`; a full buffer goes to the writer queue and the next
  free buffer is taken **without waiting**: the producer never waits on disk;
* the **writer** thread takes full buffers in order, emits one :class:`BlockRecord` per buffer
  to every subscriber (the stream sink appends it to the file), then gives the buffer back;
* on shutdown the source is polled until empty (samples still in a driver's ring), then the
  partly filled buffer and every queued buffer are emitted before :class:`RunStop`, so
  nothing acquired is left behind;
* when the pool is exhausted (subscribers slower than the source), the ``on_pool_exhausted``
  policy applies: ``'stop'`` (default) ends the run as ``failed`` with the loss counted,
  ``'drop'`` drops and counts samples until a buffer is free again and goes on; the next block's
  ``n_lost_before`` says how many were dropped before it.

Counts (:class:`StreamCounts`) are kept per run: samples produced by the source, written (every
subscriber returned), lost to an exhausted pool, lost because a subscriber failed, and lost on
the device (stalls: samples never acquired). At the end ``produced == written + lost_pool +
lost_write`` is checked, and the counts are in :attr:`RunStop.counts`, so a sink can store them
and verify its file against the producer's count.

The arrays of a :class:`BlockRecord` emitted here are **read-only views of pool buffers, valid
until the subscriber returns** (the engine re-uses them; ``RunStart.plan['block_arrays']`` says
``'pooled'``): a subscriber that keeps data must copy it. This is the one exception to the
records contract, made so that 100+ MS/s streams are not copied once more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np

from daqcore.acquisition.errors import ScanConfigurationError
from daqcore.acquisition.stream_pool import (
    POOL_POLICIES,
    BlockFiller,
    PollResult,
    PoolExhaustedError,
    PoolPolicy,
    StreamCounts,
    StreamError,
    StreamResult,
    prefault,
)
from daqcore.data.records import (
    BlockRecord,
    Record,
    RunStart,
    RunStatus,
    RunStop,
    Subscriber,
    error_text,
)


@runtime_checkable
class StreamSource(Protocol):
    """Where samples come from (a scope adapter, a simulator, a test double).

    ``channels`` and ``dtype`` are known before :meth:`start`; :meth:`start` begins acquiring
    and returns what the run plan should record (``sample_interval`` ...); :meth:`poll` copies
    new samples through ``filler.write`` and returns a :class:`PollResult`; :meth:`stop` ends
    acquisition (idempotent, called on every path).
    """

    @property
    def channels(self) -> tuple[str, ...]: ...
    @property
    def dtype(self) -> np.dtype: ...

    def start(self) -> Mapping[str, Any]: ...
    def poll(self, filler: BlockFiller) -> PollResult: ...
    def stop(self) -> None: ...


class StreamEngine:
    """Run a :class:`StreamSource` into subscribers with a producer and a writer thread.

    Parameters
    ----------
    source : StreamSource
        Where samples come from.
    subscribers : iterable of callables
        Receive :class:`RunStart`, every :class:`BlockRecord` and :class:`RunStop`, in order,
        in the writer thread (RunStart in the thread calling :meth:`start`). Objects with a
        ``close()`` method are closed after RunStop on every path.
    block_samples : int
        Samples per channel in one pool buffer (one emitted block).
    n_buffers : int
        Pool size (at least 2).
    on_pool_exhausted : {'stop', 'drop'}
        What to do when no pool buffer is free.
    poll_interval : float
        Seconds the producer sleeps between polls.
    max_samples : int, optional
        Stop after this many samples per channel (lost ones included).
    title, metadata
        Copied into :class:`RunStart`.
    """

    def __init__(self, source: StreamSource, subscribers: Iterable[Subscriber] = (), *,
                 block_samples: int = 1 << 22, n_buffers: int = 8,
                 on_pool_exhausted: PoolPolicy = "stop", poll_interval: float = 1e-3,
                 max_samples: int | None = None, title: str = "",
                 metadata: Mapping[str, Any] | None = None) -> None:
        if on_pool_exhausted not in POOL_POLICIES:
            raise ScanConfigurationError(
                f"on_pool_exhausted {on_pool_exhausted!r} is not one of {POOL_POLICIES}")
        if int(block_samples) < 1 or int(n_buffers) < 2:
            raise ScanConfigurationError(
                f"block_samples ({block_samples}) must be >= 1 and n_buffers ({n_buffers}) >= 2")
        if max_samples is not None and max_samples < 0:
            raise ScanConfigurationError(f"max_samples {max_samples} must be >= 0")
        self.source = source
        self._subscribers: list[Subscriber] = list(subscribers)
        self.block_samples = int(block_samples)
        self.n_buffers = int(n_buffers)
        self.policy: PoolPolicy = on_pool_exhausted
        self.poll_interval = float(poll_interval)
        self.max_samples = max_samples
        self.title = title
        self.metadata = dict(metadata or {})
        self._stop = threading.Event()
        self._planned_end = False
        self._done = threading.Event()
        self._started = False
        self._counts = StreamCounts(overrange={name: 0 for name in source.channels})
        self._filler: BlockFiller | None = None
        self._result: StreamResult | None = None
        self._error: BaseException | None = None
        self._uid = ""
        self._t0 = 0.0
        self._t_end = 0.0
        self._interval = 0.0
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ public
    def subscribe(self, subscriber: Subscriber) -> None:
        """Add a subscriber (before :meth:`start`)."""
        if self._started:
            raise StreamError("subscribe before start()")
        self._subscribers.append(subscriber)

    @property
    def counts(self) -> StreamCounts:
        """Live counts (a snapshot; exact once the run has ended)."""
        c = self._counts
        f = self._filler
        if f is not None and self._result is None:
            c.produced, c.lost_pool = f.produced, f.lost_pool
        return c

    @property
    def running(self) -> bool:
        return self._started and not self._done.is_set()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._t0 if self._t0 else 0.0

    def start(self) -> None:
        """Allocate the pool, start the source, emit RunStart, start both threads.

        Raises
        ------
        StreamError
            The source or a subscriber failed to start (everything opened is closed, RunStop
            ``failed`` was emitted to the subscribers that got RunStart).
        """
        if self._started:
            raise StreamError("a StreamEngine runs once; create another one")
        self._started = True
        channels = tuple(self.source.channels)
        dtype = np.dtype(self.source.dtype)
        try:
            pool = [np.empty((len(channels), self.block_samples), dtype=dtype)
                    for _ in range(self.n_buffers)]
            prefault(pool)
        except MemoryError:
            self._close_subscribers()
            self._done.set()
            size = self.n_buffers * len(channels) * self.block_samples * dtype.itemsize
            raise StreamError(f"the buffer pool ({size / 2**20:.0f} MiB) does not fit in "
                              "memory; use fewer or smaller buffers") from None
        self._filler = BlockFiller(pool, channels, self.policy, self.max_samples)
        self._pool = pool
        plan: dict[str, Any] = {"channels": channels, "dtype": dtype.str,
                                "block_samples": self.block_samples,
                                "n_buffers": self.n_buffers, "pool_policy": self.policy,
                                "block_arrays": "pooled"}
        try:
            plan.update(self.source.start())
            self._t0 = time.perf_counter()  # the source acquires from now on
        except BaseException as exc:
            self._safe_stop_source()
            self._close_subscribers()
            self._done.set()
            raise StreamError(f"the stream source failed to start: {error_text(exc)}") from exc
        self._interval = float(plan.get("sample_interval", 0.0))
        start = RunStart("stream", title=self.title, plan=plan, metadata=self.metadata)
        self._uid = start.uid
        try:
            self._emit(start)
        except BaseException as exc:
            self._safe_stop_source()
            self._error = exc
            self._finish("failed")
            raise StreamError(f"a subscriber failed at RunStart: {error_text(exc)}") from exc
        self._threads = [threading.Thread(target=self._produce, name="stream-producer",
                                          daemon=True),
                         threading.Thread(target=self._write, name="stream-writer",
                                          daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self, finished: bool = False) -> None:
        """Ask the run to end (any thread); queued data are still written.

        ``finished=True`` marks the end as planned (status ``finished`` instead of ``stopped``).
        """
        self._planned_end = self._planned_end or finished
        self._stop.set()

    def wait(self, timeout: float | None = None) -> StreamResult:
        """Wait for the end of the run; raise :class:`StreamError` on timeout."""
        if not self._done.wait(timeout):
            raise StreamError(f"the stream run did not end within {timeout} s")
        for thread in self._threads:
            thread.join()
        assert self._result is not None
        return self._result

    def run(self, duration: float | None = None,
            on_tick: Callable[[StreamEngine], None] | None = None,
            tick: float = 0.5,
            on_start: Callable[[StreamEngine], None] | None = None) -> StreamResult:
        """Start, stream for ``duration`` seconds (or until stopped / ``max_samples``), wait.

        ``on_start(engine)`` is called once streaming runs, ``on_tick(engine)`` every ``tick``
        seconds, both from the calling thread (a viewer, a status line). KeyboardInterrupt
        stops the run cleanly (the data are written) and is re-raised.
        """
        self.start()
        deadline = None if duration is None else self._t0 + float(duration)
        try:
            if on_start is not None:
                on_start(self)
            while not self._done.is_set():
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    self.stop(finished=True)
                    deadline = None
                wait = tick if deadline is None else max(0.0, min(tick, deadline - now))
                if self._done.wait(wait) or on_tick is None:
                    continue
                on_tick(self)
        except BaseException:  # Ctrl+C, or a failing callback: end the run cleanly first
            self.stop()
            self.wait()
            raise
        return self.wait()

    # ------------------------------------------------------------------ threads
    def _produce(self) -> None:
        filler = self._filler
        assert filler is not None
        counts = self._counts
        try:
            while not self._stop.is_set():
                result = self.source.poll(filler)
                counts.lost_device = filler.lost_device
                if result.stalled:
                    counts.stalls += 1
                for name in result.overrange:
                    counts.overrange[name] = counts.overrange.get(name, 0) + 1
                self._check_exhausted(filler)
                if filler.remaining == 0:
                    break
                time.sleep(self.poll_interval)
            self._drain(filler)
            self._t_end = time.perf_counter()
        except BaseException as exc:
            if self._error is None:
                self._error = exc
        finally:
            self._t_end = self._t_end or time.perf_counter()
            self._safe_stop_source()
            filler.flush_partial()
            counts.produced, counts.lost_pool = filler.produced, filler.lost_pool
            counts.lost_device = filler.lost_device
            filler.full.put(None)

    def _drain(self, filler: BlockFiller) -> None:
        """Poll until the source has nothing more: samples it acquired before the stop (in a
        driver's ring) are written, not dropped."""
        for _ in range(8):
            if filler.remaining == 0:
                return
            n = self.source.poll(filler).n_samples
            self._check_exhausted(filler)
            if n == 0:
                return

    def _check_exhausted(self, filler: BlockFiller) -> None:
        if filler.exhausted and self.policy == "stop":
            raise PoolExhaustedError(
                f"all {self.n_buffers} pool buffers were waiting for the writer: it is "
                f"slower than the source ({filler.lost_pool:,} samples not stored)")

    def _write(self) -> None:
        filler = self._filler
        assert filler is not None
        channels = tuple(self.source.channels)
        counts = self._counts
        failed = False
        while True:
            item = filler.full.get()
            if item is None:
                break
            index, n, first, lost_before = item
            if failed:
                counts.lost_write += n
                filler.free.put(index)
                continue
            buf = self._pool[index]
            views = {}
            for c, name in enumerate(channels):
                view = buf[c, :n]
                view.flags.writeable = False
                views[name] = view
            try:
                self._emit(BlockRecord(self._uid, first, views, n_lost_before=lost_before))
                counts.written += n
                counts.blocks += 1
            except BaseException as exc:
                failed = True
                counts.lost_write += n
                if self._error is None:
                    self._error = exc
                self._stop.set()
            finally:
                filler.free.put(index)
        if self._error is not None:
            status: RunStatus = "failed"
        elif self._planned_end or (self.max_samples is not None and filler.remaining == 0):
            status = "finished"
        else:
            status = "stopped"
        self._finish(status)

    # ------------------------------------------------------------------ helpers
    def _emit(self, record: Record) -> None:
        for subscriber in self._subscribers:
            subscriber(record)

    def _safe_stop_source(self) -> None:
        try:
            self.source.stop()
        except Exception as exc:  # reported, never masks the run's own outcome
            if self._error is None:
                self._error = exc

    def _close_subscribers(self) -> None:
        for subscriber in self._subscribers:
            close = getattr(subscriber, "close", None)
            if callable(close):
                try:
                    close()
                except Exception as exc:
                    if self._error is None:
                        self._error = exc

    def _finish(self, status: RunStatus) -> None:
        end = self._t_end or time.perf_counter()
        elapsed = end - self._t0 if self._t0 else 0.0
        counts = self._counts
        balance = counts.produced - counts.written - counts.lost_pool - counts.lost_write
        if balance and self._error is None:
            self._error = StreamError(f"count mismatch: {balance} samples unaccounted for")
            status = "failed"
        stop = RunStop(self._uid, status if self._error is None else "failed",
                       n_done=counts.written, n_planned=self.max_samples,
                       error=error_text(self._error), exception=self._error,
                       counts=counts.as_dict())
        for subscriber in self._subscribers:
            try:
                subscriber(stop)
            except Exception as exc:
                if self._error is None:
                    self._error = exc
        self._close_subscribers()
        final: RunStatus = "failed" if self._error is not None else status
        self._result = StreamResult(final, counts, elapsed, self._interval, self._error)
        self._done.set()


__all__ = [
    "POOL_POLICIES",
    "BlockFiller",
    "PollResult",
    "PoolExhaustedError",
    "PoolPolicy",
    "StreamCounts",
    "StreamEngine",
    "StreamError",
    "StreamResult",
    "StreamSource",
]
