"""Seed-claim news monitor: watches feeds for facts that update or contradict seed articles."""

__version__ = "0.1.0"
