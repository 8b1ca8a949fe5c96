"""Metajudge: a local question bank and sandboxed code judge for meta-learning and its neighbours."""

__version__ = "0.1.0"
