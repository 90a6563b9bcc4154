"""``daqcore coordinator`` and ``daqcore serve``: LECO from the command line."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from daqcore.errors import DaqcoreError
from daqcore.remote.address import DEFAULT_PORT


def _parse_settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    import json

    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--set")
        try:
            values[key] = json.loads(text)
        except ValueError:
            values[key] = text  # a bare string
    return values


@click.command("coordinator")
@click.option("-p", "--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT,
              show_default=True, help="TCP port to route on.")
@click.option("--namespace", default=None, help="LECO namespace (default: the host name).")
@click.option("--proxy-offset", type=click.IntRange(0, 4500), default=None,
              help="Also run the data proxy (publish/subscribe) on ports 11100-2*N and below.")
def coordinator(port: int, namespace: str | None, proxy_offset: int | None) -> None:
    """Run a LECO Coordinator (pyleco's) routing Directors and Actors on PORT."""
    from daqcore.remote.coordinator import run_coordinator

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        run_coordinator(port, namespace=namespace, proxy_offset=proxy_offset)
    except KeyboardInterrupt:
        pass
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("serve")
@click.argument("instrument")
@click.option("-c", "--coordinator", "address", default=f"localhost:{DEFAULT_PORT}",
              show_default=True, help="HOST:PORT of the LECO Coordinator.")
@click.option("-n", "--name", default=None, help="Actor name (default: the instrument name).")
@click.option("-b", "--backend", default="sim", show_default=True,
              help="Instrument backend (sim, real...).")
@click.option("-s", "--set", "pairs", multiple=True, metavar="KEY=VALUE",
              help="Initial setting (JSON value or bare string); repeatable.")
@click.option("--publish", "interval", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS", help="Detectors: grab every SECONDS and publish the data.")
@click.option("--proxy", default="localhost", show_default=True,
              help="Host of the data proxy (with --publish).")
@click.option("--proxy-offset", type=click.IntRange(0, 4500), default=0, show_default=True,
              help="Port offset of the data proxy (with --publish).")
def serve_command(instrument: str, address: str, name: str | None, backend: str,
                  pairs: tuple[str, ...], interval: float | None, proxy: str,
                  proxy_offset: int) -> None:
    """Serve a daqcore INSTRUMENT as a LECO Actor until Ctrl-C or SIGTERM."""
    from daqcore.plugins import get_registry
    from daqcore.remote.actor import serve

    try:
        get_registry().get_instrument(instrument)  # a typo is reported before anything starts
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"serving {instrument} ({backend}) as LECO actor {name or instrument!r} "
               f"via {address}; Ctrl-C to stop")
    try:
        serve(instrument, name=name, backend=backend, settings=_parse_settings(pairs),
              coordinator=address, stop_event=stop, publish_interval=interval,
              proxy=proxy, proxy_offset=proxy_offset)
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc


__all__ = ["coordinator", "serve_command"]
