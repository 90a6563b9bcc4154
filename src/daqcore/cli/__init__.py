"""The ``daqcore`` command line.

Each subcommand lives in its own module of this package; :mod:`daqcore.cli.main` assembles
them into the :func:`main` click group.
"""

from daqcore.cli.main import main

__all__ = ["main"]
