"""First-party plugin registering daqcore's built-in scanners (see its ``plugin`` module)."""
