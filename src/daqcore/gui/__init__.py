"""daqcore.gui: the only package that imports Qt (dashboard, viewers, live plots)."""
