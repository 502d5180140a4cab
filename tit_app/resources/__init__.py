"""Packaged resources: event catalog, consent text, icons, style sheet, default destinations."""
