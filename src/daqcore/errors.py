"""The root of daqcore's exception hierarchy.

Every error daqcore raises on purpose derives from :class:`DaqcoreError`, so a script can
catch all of them with one ``except`` clause. Each layer defines its specific subclasses in
its own ``errors`` module (``daqcore.data.errors``, ``daqcore.saving.errors``, ...); they
also derive from the matching builtin (``ValueError``, ``TypeError``, ``OSError``...) where
that makes the error easier to handle for code that does not know daqcore.
"""

from __future__ import annotations


class DaqcoreError(Exception):
    """Base class of every exception raised on purpose by daqcore."""


__all__ = ["DaqcoreError"]
