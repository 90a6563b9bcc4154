"""Memory budget check done before allocating a buffer."""

from __future__ import annotations

import os


def available_memory_bytes() -> int | None:
    """Bytes of memory available to new allocations, or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


__all__ = ["available_memory_bytes"]
