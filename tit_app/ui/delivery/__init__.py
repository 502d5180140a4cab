"""Telemetry delivery in the GUI: the SendWorker in its own QThread, the service that owns it, the snapshots it takes."""
