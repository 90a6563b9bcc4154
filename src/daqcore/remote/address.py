"""``HOST:PORT`` addresses of LECO Coordinators."""

from __future__ import annotations

from daqcore.remote.errors import RemoteError

#: pyleco's default Coordinator port.
DEFAULT_PORT = 12300
DEFAULT_HOST = "localhost"


def parse_address(address: str | None) -> tuple[str, int]:
    """``'host:port'``, ``'host'``, ``':port'`` or ``None`` as ``(host, port)``.

    Raises
    ------
    RemoteError
        For a port that is not an integer in 1..65535.
    """
    if not address:
        return DEFAULT_HOST, DEFAULT_PORT
    host, sep, port_text = address.rpartition(":")
    if not sep:
        return address, DEFAULT_PORT
    try:
        port = int(port_text)
    except ValueError:
        raise RemoteError(f"coordinator address {address!r}: port {port_text!r} is not a "
                          "number (expected HOST:PORT)") from None
    if not 0 < port < 65536:
        raise RemoteError(f"coordinator address {address!r}: port {port} is out of range")
    return host or DEFAULT_HOST, port


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "parse_address"]
