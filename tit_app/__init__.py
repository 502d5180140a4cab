"""tit_app: temporal-interference stimulation planning with opt-in telemetry."""

__version__ = "0.1.0"
