"""Exporters: one per kind of destination, all behind `base.Exporter`.

Modules here are imported when a destination of that kind is configured, never by
`import tit_app.telemetry`, so the core stays cheap to import.
"""

from .base import Exporter, HttpExporter

__all__ = ["Exporter", "HttpExporter"]
