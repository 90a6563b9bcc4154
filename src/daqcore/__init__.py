"""daqcore: laboratory data acquisition with PyMoDAQ-compatible HDF5 files.

The package is layered (see ``docs/architecture.md``): ``data`` (numpy + pint) at the
bottom, ``saving`` (HDF5), ``instruments``, ``plugins``, ``acquisition``, ``cli`` and,
on top and the only one that imports Qt, ``gui``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
