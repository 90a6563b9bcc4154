"""pytest plugin shipped with daqcore (entry point group ``pytest11``).

It is loaded in every pytest run of an environment where daqcore is installed, so it must
import fast and never fail: it imports nothing heavy at module level.
"""

from __future__ import annotations
