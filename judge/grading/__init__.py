"""Grading a class: assignments, submission folders, the run store, backends, exports, report.

``assignment`` (the TOML file), ``layout`` (what a submissions folder holds), ``store`` (the
SQLite run store), ``grade`` (plan, judge, store), ``backends`` (local processes or Ray actors),
``exports``, ``stats``, ``charts`` and ``report`` (the offline HTML page), ``similarity``
(copydetect) and ``pack`` (the student pack). None of it imports click.
"""
