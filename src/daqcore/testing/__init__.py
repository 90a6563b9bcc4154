"""Test helpers for daqcore and for plugin authors.

The pytest plugin :mod:`daqcore.testing.pytest_plugin` is registered under the ``pytest11``
entry point, so its fixtures are available in every pytest run once daqcore is installed.
The conformance suite lives in :mod:`daqcore.testing.conformance`.
"""
