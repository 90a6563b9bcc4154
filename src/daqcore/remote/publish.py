"""Data published through LECO's data protocol (publish/subscribe through a proxy).

LECO moves data streams apart from commands: publishers send ``DataMessage`` s to a proxy
server, which forwards them to every subscriber of their topic (pyleco's
``coordinators.proxy_server``; ``daqcore coordinator --proxy`` starts one beside the
Coordinator). daqcore uses it for detectors that run by themselves:

* the Actor side (``daqcore serve INSTRUMENT --publish SECONDS``) grabs every ``SECONDS`` and
  publishes each DataToExport under the Actor's name, in PyMoDAQ's serializer format;
* the Director side, :func:`subscribe`, gives a :class:`PublishedDetector`: a daqcore detector
  whose ``grab_data`` returns the next published DataToExport, so a ``Logger`` on another
  machine records the stream like a local detector.

The proxy listens on port ``11100 - 2*offset`` for publishers and serves subscribers on
``11099 - 2*offset`` (pyleco's convention; ``offset`` lets several proxies share a host).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from daqcore.data import DataToExport
from daqcore.data.serialization import SerializationError, deserialize, serialize
from daqcore.instruments import Detector, Setting
from daqcore.instruments.backends import Backend
from daqcore.remote.errors import RemoteError, RemoteInstrumentError, RemoteTimeoutError

#: pyleco's base port of the proxy (publishers); subscribers use the port below it.
PROXY_BASE_PORT = 11100
#: LECO data-message type daqcore uses for serialized DataToExport frames.
DAQCORE_DATA_MESSAGE_TYPE = 200

SUBSCRIBED = Backend("leco-sub", "data published by a LECO Actor (daqcore serve --publish)",
                     requires=("pyleco", "zmq"))


def proxy_ports(offset: int = 0) -> tuple[int, int]:
    """``(publisher port, subscriber port)`` of the proxy with that ``offset``."""
    if not 0 <= offset <= 4500:  # keeps both ports above the privileged range
        raise RemoteError(f"proxy offset must be in 0..4500, got {offset}")
    base = PROXY_BASE_PORT - 2 * int(offset)
    return base, base - 1


def free_proxy_offset(first: int = 100, last: int = 1000) -> int:
    """An offset whose two proxy ports nobody listens on now (for tests), picked at random so
    that concurrent test sessions rarely pick the same one."""
    import random
    import socket

    offsets = list(range(first, last))
    random.shuffle(offsets)
    for offset in offsets:
        ports = proxy_ports(offset)
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("", port))  # the proxy binds every interface
        except OSError:
            continue
        return offset
    raise RemoteError(f"no free proxy port pair for offsets {first}..{last}")


def start_proxy(offset: int = 0) -> Any:
    """Start pyleco's proxy server in a background thread; returns its zmq context."""
    try:
        from pyleco.coordinators.proxy_server import start_proxy as pyleco_start_proxy
    except ImportError as exc:
        raise RemoteError("the data proxy needs pyleco: pip install 'daqcore[remote]'") from exc
    import zmq

    return pyleco_start_proxy(context=zmq.Context(), offset=offset)


class Publisher:
    """Grab a detector every ``interval`` seconds and publish the data (a background thread).

    Parameters
    ----------
    detector : Detector
        An initialised daqcore detector.
    topic : str
        The topic subscribers ask for (the Actor's name).
    host : str
        Host of the proxy server.
    offset : int
        Proxy port offset.
    interval : float
        Seconds between two grabs.
    """

    def __init__(self, detector: Any, topic: str, *, host: str = "localhost", offset: int = 0,
                 interval: float = 0.1) -> None:
        from pyleco.utils.data_publisher import DataPublisher

        if not interval > 0:
            raise RemoteError(f"publishing interval must be > 0 s, got {interval!r}")
        self.detector = detector
        self.interval = float(interval)
        self.publisher = DataPublisher(full_name=topic, host=host, port=proxy_ports(offset)[0])
        self.n_published = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"publish-{topic}", daemon=True)

    def start(self) -> Publisher:
        """Start publishing."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                frame = serialize(self.detector.grab_data())
            except Exception as exc:  # reported by stop(); the Actor keeps serving RPC
                self.error = exc
                return
            self.publisher.send_data(data=frame, message_type=DAQCORE_DATA_MESSAGE_TYPE)
            self.n_published += 1

    def stop(self) -> None:
        """Stop publishing and close the socket (idempotent)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5 + self.interval)
        self.publisher.close()


class PublishedDetector(Detector):
    """A detector fed by the data an Actor publishes (create it with :func:`subscribe`).

    ``grab_data(n)`` waits for the next ``n`` published DataToExport (averaged by the base
    class when ``n > 1``); a publisher silent for ``timeout`` seconds raises
    :class:`~daqcore.remote.errors.RemoteTimeoutError`.
    """

    backends: ClassVar[tuple[Backend, ...]] = (SUBSCRIBED,)
    live_mode_available: ClassVar[bool] = True
    params = (Setting("timeout", "float", 5.0, limits=(0.0, None), units="s",
                      title="Timeout", tip="longest wait for the next published data"),)

    def __init__(self, topic: str, *, host: str = "localhost", offset: int = 0,
                 title: str | None = None, **settings: Any) -> None:
        self.topic = topic
        self.host = host
        self.port = proxy_ports(offset)[1]
        self._socket: Any = None
        super().__init__("leco-sub", title=title or topic, **settings)

    def _ini_detector(self) -> str:
        import zmq

        self._socket = zmq.Context.instance().socket(zmq.SUB)
        self._socket.connect(f"tcp://{self.host}:{self.port}")
        self._socket.setsockopt(zmq.SUBSCRIBE, self.topic.encode())
        return f"subscribed to {self.topic!r} at {self.host}:{self.port}"

    def _grab_data(self, naverage: int) -> DataToExport:
        from pyleco.core.data_message import DataMessage

        timeout = float(self.settings["timeout"])
        while True:
            if not self._socket.poll(int(timeout * 1000)):
                raise RemoteTimeoutError(f"{self.title}: nothing published on {self.topic!r} "
                                         f"at {self.host}:{self.port} for {timeout:g} s")
            message = DataMessage.from_frames(*self._socket.recv_multipart())
            if message.topic != self.topic.encode() or not message.payload:
                continue  # a longer topic sharing our prefix
            try:
                data = deserialize(bytes(message.payload[0]))
            except SerializationError as exc:
                raise RemoteInstrumentError(f"{self.title}: undecodable data on "
                                            f"{self.topic!r}: {exc}") from exc
            if isinstance(data, DataToExport):
                return data

    def _close(self) -> None:
        if self._socket is not None:
            self._socket.close(0)
            self._socket = None


def subscribe(topic: str, proxy: str = "localhost", *, offset: int = 0,
              timeout: float = 5.0) -> PublishedDetector:
    """A :class:`PublishedDetector` on the data the Actor ``topic`` publishes."""
    return PublishedDetector(topic, host=proxy, offset=offset, timeout=timeout)


__all__ = ["DAQCORE_DATA_MESSAGE_TYPE", "PROXY_BASE_PORT", "PublishedDetector", "Publisher",
           "free_proxy_offset", "proxy_ports", "start_proxy", "subscribe"]
