"""First-party daqcore plugins (found through the ``daqcore`` entry-point group)."""
