"""Instruments on other machines, over LECO (the Laboratory Experiment COntrol protocol).

LECO routes messages through a *Coordinator* between *Actors*, which own instruments, and
*Directors*, which command them; ``pyleco`` is its reference implementation and daqcore uses it
as is (extra ``remote``):

* ``daqcore coordinator`` runs pyleco's Coordinator (:mod:`~daqcore.remote.coordinator`);
* ``daqcore serve INSTRUMENT --name NAME`` serves any registered daqcore instrument as an Actor
  (an ``InstrumentActor``, see :func:`make_actor`);
* :func:`connect` (or the instrument name ``leco:NAME`` in scans and the CLI) gives a
  :class:`RemoteDetector` / :class:`RemoteActuator`: ordinary daqcore instruments on the backend
  ``leco``, so ``Scan``, ``Logger`` and the dashboard use them unchanged. Data cross the wire in
  PyMoDAQ's serializer format (:mod:`daqcore.data.serialization`) with units, axes and error bars;
* ``daqcore serve ... --publish SECONDS`` and :func:`subscribe` stream a detector's data through
  LECO's data protocol (:mod:`~daqcore.remote.publish`), for a logger on another machine.

Names are imported lazily; nothing here imports pyleco until a connection is made.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

_EXPORTS = {
    "RemoteActuator": "daqcore.remote.instruments",
    "RemoteDetector": "daqcore.remote.instruments",
    "connect": "daqcore.remote.instruments",
    "make_actor": "daqcore.remote.actor",
    "serve": "daqcore.remote.actor",
    "CoordinatorProcess": "daqcore.remote.coordinator",
    "run_coordinator": "daqcore.remote.coordinator",
    "RemoteError": "daqcore.remote.errors",
    "CoordinatorUnreachableError": "daqcore.remote.errors",
    "RemoteTimeoutError": "daqcore.remote.errors",
    "RemoteInstrumentError": "daqcore.remote.errors",
    "parse_address": "daqcore.remote.address",
    "PublishedDetector": "daqcore.remote.publish",
    "subscribe": "daqcore.remote.publish",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
