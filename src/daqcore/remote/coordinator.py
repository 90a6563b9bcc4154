"""Run pyleco's Coordinator: in this process, or as a child process for tests and scripts."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

from daqcore.remote.address import DEFAULT_PORT
from daqcore.remote.errors import CoordinatorUnreachableError, RemoteError


def run_coordinator(port: int = DEFAULT_PORT, *, host: str | None = None,
                    namespace: str | None = None, proxy_offset: int | None = None) -> None:
    """Route LECO messages on ``port`` until interrupted (pyleco's Coordinator, unchanged).

    With ``proxy_offset``, pyleco's data proxy (publish/subscribe) runs beside it, on ports
    ``11100 - 2*offset`` and the one below (see :mod:`daqcore.remote.publish`).
    """
    try:
        from pyleco.coordinators.coordinator import Coordinator
    except ImportError as exc:
        raise RemoteError("the Coordinator needs pyleco: pip install 'daqcore[remote]'") from exc
    proxy = None
    if proxy_offset is not None:
        from daqcore.remote.publish import start_proxy

        proxy = start_proxy(proxy_offset)
    try:
        with Coordinator(host=host, port=port, namespace=namespace) as coordinator:
            coordinator.routing()
    finally:
        if proxy is not None:
            proxy.destroy(linger=0)


def free_port() -> int:
    """A TCP port nobody listens on now (for tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CoordinatorProcess:
    """A Coordinator in a child process (``python -m daqcore coordinator --port PORT``).

    Use as a context manager; the process is terminated on exit, on every path.
    """

    def __init__(self, port: int | None = None, *, proxy_offset: int | None = None,
                 with_proxy: bool = False, startup_timeout: float = 20.0) -> None:
        self._fixed_port = port
        self.port = port or free_port()
        self._auto_proxy = with_proxy and proxy_offset is None
        self.proxy_offset = proxy_offset
        if self._auto_proxy:
            from daqcore.remote.publish import free_proxy_offset

            self.proxy_offset = free_proxy_offset()
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[Any] | None = None

    @property
    def address(self) -> str:
        """``localhost:PORT``."""
        return f"localhost:{self.port}"

    def start(self, attempts: int = 3) -> CoordinatorProcess:
        """Start the process and wait until it accepts connections.

        Ports chosen here (no ``port`` given, ``with_proxy`` without an offset) are chosen
        again, up to ``attempts`` times, when another process took them in the meantime.
        """
        for attempt in range(attempts):
            try:
                return self._start_once()
            except CoordinatorUnreachableError:
                if attempt == attempts - 1 or (self._fixed_port and not self._auto_proxy):
                    raise
                if not self._fixed_port:
                    self.port = free_port()
                if self._auto_proxy:
                    from daqcore.remote.publish import free_proxy_offset

                    self.proxy_offset = free_proxy_offset()
        raise AssertionError("unreachable")  # pragma: no cover

    def _start_once(self) -> CoordinatorProcess:
        args = [sys.executable, "-m", "daqcore", "coordinator", "--port", str(self.port)]
        if self.proxy_offset is not None:
            args += ["--proxy-offset", str(self.proxy_offset)]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise CoordinatorUnreachableError(f"the Coordinator exited at start: {err}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.stop()
        raise CoordinatorUnreachableError(
            f"the Coordinator did not listen on port {self.port} within "
            f"{self.startup_timeout:g} s")

    def stop(self) -> None:
        """Terminate the process (idempotent)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()

    def __enter__(self) -> CoordinatorProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["CoordinatorProcess", "free_port", "run_coordinator"]
