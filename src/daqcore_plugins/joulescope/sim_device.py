"""A simulated JS110: raw words from a programmable load, streamed in real time.

:class:`SimulatedJoulescope` mirrors the parameter names of the real device
(``sampling_frequency``, ``i_range``, ``v_range``, ``buffer_duration``,
``reduction_frequency``) and feeds our :class:`~daqcore_plugins.joulescope.StreamBuffer`
through the same path as hardware: 512-byte USB packets (optionally dropped at random, which
the buffer turns into missing samples), then ``process()``. :meth:`start` delivers data from a
background thread at the real rate; :meth:`generate` produces N samples synchronously (tests,
fast scans). Consumers read the buffer under ``lock``.

At rates below 2 MS/s the words are synthesised at that rate directly and range-switch
suppression is off (its windows are defined in 2 MS/s samples).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from .device import StreamProcess, StreamProcessors
from .errors import InvalidParameterError
from .raw_format import (
    REDUCTION_FREQUENCIES,
    SAMPLES_PER_PACKET,
    SAMPLING_FREQUENCIES,
    usb_packets,
)
from .sim_model import (
    Load,
    SignalModel,
    calibration_vectors,
    parse_i_range,
    parse_v_range,
    sleep_wake_load,
)
from .stream_buffer import StreamBuffer


def reductions_for(sampling_frequency: float, reduction_frequency: float) -> list[int]:
    """Reduction factors whose last level completes ``reduction_frequency`` times a second."""
    total = round(sampling_frequency / reduction_frequency)
    mismatch = abs(total * reduction_frequency - sampling_frequency)
    if total < 2 or mismatch > 1e-6 * sampling_frequency:
        raise InvalidParameterError(
            f"reduction_frequency {reduction_frequency} Hz does not divide sampling_frequency "
            f"{sampling_frequency} Hz into whole samples (>= 2)")
    factors = []
    for f in (200, 100, 100):
        if total % f == 0 and total // f >= 1:
            factors.append(f)
            total //= f
        else:
            break
    if total > 1:
        factors.append(total)
    return factors or [total]


class SimulatedJoulescope:
    """Simulated JS110 delivering raw samples into a StreamBuffer.

    Parameters
    ----------
    sampling_frequency, i_range, v_range, buffer_duration, reduction_frequency
        As the real device's parameters (``i_range``: 'auto' or a range name such as
        '180 mA'; ``v_range``: '15V' or '5V').
    load
        Current (A) as a function of time (s); default a sleep/wake pattern.
    voltage
        Supply voltage seen by the voltage channel (V).
    noise_codes
        Gaussian noise on the current codes (ADC LSBs).
    drop_probability
        Probability that a USB packet is lost (becomes 126 missing samples).
    seed
        Seed of the noise and drop generators.
    backend
        StreamBuffer backend ('auto', 'numba', 'numpy').
    """

    def __init__(self, *, sampling_frequency: float = 2e6, i_range="auto", v_range="15V",
                 buffer_duration: float = 30.0, reduction_frequency: float = 2,
                 load: Load | None = None, voltage: float = 3.3, noise_codes: float = 4.0,
                 drop_probability: float = 0.0, seed: int = 1, backend: str = "auto") -> None:
        self._params: dict = {}
        self._backend = backend
        self.model = SignalModel(load=load or sleep_wake_load(), voltage=float(voltage),
                                 noise_codes=float(noise_codes), seed=int(seed))
        self._drop_rng = np.random.default_rng(int(seed) + 1)
        self.lock = threading.RLock()
        self._buffer: StreamBuffer | None = None
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._generated = 0
        self._packet_index = 0
        self._pending = np.zeros(0, dtype=np.uint16)
        self._stop_fn: Callable | None = None
        self._processors = StreamProcessors()
        self.stream_error: BaseException | None = None
        for name, value in (("sampling_frequency", sampling_frequency), ("i_range", i_range),
                            ("v_range", v_range), ("buffer_duration", buffer_duration),
                            ("reduction_frequency", reduction_frequency),
                            ("drop_probability", drop_probability)):
            self.parameter_set(name, value)

    # ------------------------------------------------------------------ parameters
    def parameter_set(self, name: str, value) -> None:
        """Set a device parameter (buffer-shaping ones apply at the next :meth:`open`)."""
        if name == "sampling_frequency":
            fs = float(value)
            if fs not in SAMPLING_FREQUENCIES:
                raise InvalidParameterError(
                    f"sampling_frequency {value!r} not supported; use one of "
                    f"{SAMPLING_FREQUENCIES}")
            value = fs
        elif name == "i_range":
            self.model.i_range = parse_i_range(value)
        elif name == "v_range":
            self.model.v_range = parse_v_range(value)
        elif name == "buffer_duration":
            value = float(value)
            if not value > 0:
                raise InvalidParameterError(f"buffer_duration must be > 0 s, got {value!r}")
        elif name == "reduction_frequency":
            value = float(value)
            if value not in REDUCTION_FREQUENCIES:
                raise InvalidParameterError(f"reduction_frequency {value!r} not in "
                                            f"{REDUCTION_FREQUENCIES}")
        elif name == "drop_probability":
            value = float(value)
            if not 0.0 <= value < 1.0:
                raise InvalidParameterError(f"drop_probability must be in [0, 1), got {value!r}")
        else:
            raise InvalidParameterError(f"unknown parameter {name!r}")
        self._params[name] = value

    def parameter_get(self, name: str):
        try:
            return self._params[name]
        except KeyError:
            raise InvalidParameterError(f"unknown parameter {name!r}") from None

    @property
    def sampling_frequency(self) -> float:
        return self._params["sampling_frequency"]

    # ------------------------------------------------------------------ life cycle
    def open(self) -> SimulatedJoulescope:
        """Allocate the StreamBuffer for the current parameters."""
        self.stop()
        fs = self.sampling_frequency
        reductions = reductions_for(fs, self._params["reduction_frequency"])
        sb = StreamBuffer(self._params["buffer_duration"], reductions, fs, backend=self._backend)
        sb.calibration_set(*calibration_vectors())
        sb.voltage_range = self.model.v_range
        if fs != 2e6:
            sb.suppress_mode = "off"
        with self.lock:
            self._buffer = sb
            self._generated = 0
            self._packet_index = 0
            self._pending = np.zeros(0, dtype=np.uint16)
        return self

    def close(self) -> None:
        self.stop()
        with self.lock:
            self._buffer = None

    def __enter__(self) -> SimulatedJoulescope:
        if self._buffer is None:
            self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def stream_buffer(self) -> StreamBuffer:
        if self._buffer is None:
            raise InvalidParameterError("device is not open: call open() first")
        return self._buffer

    @property
    def is_streaming(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def statistics_callback_register(self, cbk: Callable[[dict], None] | None) -> None:
        """Call ``cbk(stats_dict)`` at ``reduction_frequency`` (joulescope's API dict)."""
        self.stream_buffer.callback = cbk

    def stream_process_register(self, obj: StreamProcess) -> None:
        """Call ``obj.stream_notify(stream_buffer)`` after each generated chunk (under
        ``lock``, in the generating thread)."""
        self._processors.register(obj)

    def stream_process_unregister(self, obj: StreamProcess) -> None:
        self._processors.unregister(obj)

    def status(self) -> dict:
        return self.stream_buffer.status()

    # ------------------------------------------------------------------ data
    def generate(self, n: int) -> int:
        """Synthesise the next ``n`` samples and insert them (USB packets + process).

        Returns the number of samples inserted (whole packets; the remainder is kept).
        """
        sb = self.stream_buffer
        fs = self.sampling_frequency
        raw = self.model.generate(self._generated, int(n), fs)
        self._generated += int(n)
        if len(self._pending):
            raw = np.concatenate([self._pending, raw])
        npk = (len(raw) // 2) // SAMPLES_PER_PACKET
        used = npk * SAMPLES_PER_PACKET
        self._pending = raw[2 * used:].copy()
        if npk == 0:
            return 0
        packets = usb_packets(raw[:2 * used], self._packet_index, self.model.v_range)
        self._packet_index = (self._packet_index + npk) & 0xFFFF
        p = self._params["drop_probability"]
        if p > 0:
            keep = self._drop_rng.random(npk) >= p
            packets = packets.reshape(npk, -1)[keep].reshape(-1)
        with self.lock:
            stop = sb.insert(packets)
            sb.process()
            stop |= self._processors.notify(sb)
        if stop:
            self._stop_event.set()
        return used

    def start(self, stop_fn: Callable | None = None, duration: float | None = None) -> None:
        """Stream in real time from a background thread until :meth:`stop` (or ``duration``)."""
        if self._buffer is None:
            self.open()
        if self.is_streaming:
            return
        self._stop_event.clear()
        self.stream_error = None
        self._stop_fn = stop_fn
        self._thread = threading.Thread(target=self._run, args=(duration,),
                                        name="daqcore-sim-joulescope", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop_event.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self._thread = None

    def _run(self, duration: float | None) -> None:
        fs = self.sampling_frequency
        t0 = time.perf_counter()
        start_count = self._generated
        try:
            while not self._stop_event.is_set():
                elapsed = time.perf_counter() - t0
                if duration is not None and elapsed >= duration:
                    break
                target = start_count + int(elapsed * fs)
                n = target - self._generated
                n = min(n, int(fs))          # never more than 1 s per step
                if n > 0:
                    self.generate(n)
                self._stop_event.wait(0.01)
        except Exception as exc:  # kept for the owner to inspect
            self.stream_error = exc
        finally:
            if self._stop_fn is not None:
                self._stop_fn(0, "stopped")

    def wait_for_samples(self, sample_id: int, timeout: float = 10.0) -> bool:
        """Block until the buffer has processed ``sample_id`` (True) or ``timeout`` s pass."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.stream_buffer.sample_id_range[1] >= sample_id:
                return True
            if not self.is_streaming:
                return False
            time.sleep(0.002)
        return False

    def fill_to(self, sample_id: int, timeout: float = 10.0) -> bool:
        """Make the buffer reach ``sample_id``: wait for the streaming thread, or synthesise
        the missing samples now when not streaming. False on timeout or stream failure."""
        if self.is_streaming:
            return self.wait_for_samples(sample_id, timeout)
        sb = self.stream_buffer
        while sb.sample_id_range[1] < sample_id:
            self.generate(sample_id - sb.sample_id_range[1] + SAMPLES_PER_PACKET)
        return True

    def read(self, duration: float) -> np.ndarray:
        """``(N, 2)`` float32 current, voltage of the next ``duration`` seconds of data."""
        fs = self.sampling_frequency
        n = round(duration * fs)
        sb = self.stream_buffer
        if n > len(sb):
            raise InvalidParameterError(f"read duration {duration} s exceeds buffer_duration")
        start = sb.sample_id_range[1]
        if self.is_streaming:
            self.wait_for_samples(start + n, timeout=duration + 5.0)
        else:
            while sb.sample_id_range[1] < start + n:
                self.generate(start + n - sb.sample_id_range[1] + SAMPLES_PER_PACKET)
        with self.lock:
            d = sb.samples_get(start, start + n, fields=["current", "voltage"])
        return np.stack([d["signals"]["current"]["value"], d["signals"]["voltage"]["value"]],
                        axis=1)


__all__ = ["REDUCTION_FREQUENCIES", "SAMPLING_FREQUENCIES", "SimulatedJoulescope",
           "reductions_for"]
