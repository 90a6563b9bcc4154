"""Complete rows of a log being written: the samples every array of a data node already holds.

A logger appends one sample to each array of a node in turn (the channels, their error bars,
the time axis in ``NavAxes``), so a reader that opens the file while it is being written, or
after the writer was killed, can find those arrays one row apart. Reading each array to its own
length would pair the newest values with a missing or wrong time. The rule (stated in
``docs/file_format.md``): a node whose enlargeable arrays have different lengths loads only its
**complete** samples, the leading rows that every one of them holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from daqcore.saving.nodes import EARRAY, Node


def complete_rows(nodes: Iterable[Node | None]) -> int | None:
    """The number of leading rows held by every enlargeable array among ``nodes``.

    Parameters
    ----------
    nodes : iterable of Node or None
        The arrays of one data node: channels, error bars, navigation axes. Groups, fixed-size
        arrays and ``None`` are ignored (their length does not grow with the log).

    Returns
    -------
    int or None
        The smallest first-dimension length over the enlargeable arrays, or None if there is
        none.
    """
    lengths = [node.shape[0] for node in nodes
               if isinstance(node, EARRAY) and len(node.shape) > 0]
    return min(lengths) if lengths else None


def cap_rows(rows: int | None, more: int | None) -> int | None:
    """The smaller of two optional row counts (None: no limit)."""
    if rows is None:
        return more
    if more is None:
        return rows
    return min(rows, more)


__all__ = ["cap_rows", "complete_rows"]
