"""Interoperability with other laboratory software.

* :mod:`daqcore.interop.pymodaq` -- exchange data objects and bytes with PyMoDAQ, and run daqcore
  instruments inside a PyMoDAQ dashboard (needs the ``pymodaq`` extra, imported lazily).

Nothing here is imported by the rest of daqcore: importing PyMoDAQ's packages has side effects
(configuration and log files under the user's home, global log handlers) that the core avoids.
"""
