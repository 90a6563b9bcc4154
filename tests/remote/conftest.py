"""A real LECO Coordinator and daqcore Actors as child processes on localhost."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

pytest.importorskip("pyleco")

from daqcore.remote import connect
from daqcore.remote.coordinator import CoordinatorProcess
from daqcore.remote.errors import RemoteError


@pytest.fixture(scope="module")
def coordinator() -> Iterator[CoordinatorProcess]:
    """A Coordinator with its data proxy (``proxy_offset`` attribute) in a child process."""
    with CoordinatorProcess(with_proxy=True) as process:
        yield process


def wait_for_actor(name: str, address: str, timeout: float = 30.0) -> None:
    """Block until the Actor ``name`` answers through the Coordinator."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connect(name, address, timeout=1.0).link.close()
            return
        except RemoteError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def start_actor(coordinator: CoordinatorProcess) -> Iterator[Callable[..., subprocess.Popen]]:
    """``start_actor(instrument, name, *settings)`` runs ``daqcore serve`` until the module ends."""
    processes: list[subprocess.Popen] = []

    def start(instrument: str, name: str, *settings: str,
              publish: float | None = None) -> subprocess.Popen:
        args = [sys.executable, "-m", "daqcore", "serve", instrument, "-c", coordinator.address,
                "-n", name]
        if publish is not None:
            args += ["--publish", str(publish), "--proxy-offset", str(coordinator.proxy_offset)]
        for pair in settings:
            args += ["--set", pair]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        processes.append(process)
        wait_for_actor(name, coordinator.address)
        return process

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
