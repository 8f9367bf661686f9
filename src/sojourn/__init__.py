"""sojourn: an open, accountable immigration case-lifecycle platform."""

__version__ = "0.1.0"
