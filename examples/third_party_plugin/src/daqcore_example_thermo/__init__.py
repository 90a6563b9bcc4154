"""Example third-party daqcore plugin: a thermometer, a heater, a CSV reader and a command."""

__version__ = "0.2.0"
