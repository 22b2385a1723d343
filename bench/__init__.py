"""Benchmarks: every user path against a bare-aiogram ceiling measured in the same run.

``python -m bench`` (``make bench``; ``make bench-quick`` for a smoke run) starts
the fake Bot API server (:mod:`bench.fake_server`, the tests' own), the real bot process
(``python -m bot run`` pointed at it), the ceiling echo bot (:mod:`bench.echo_bot`)
and the no-HTTP dispatch worker (:mod:`bench.dispatch_only`), drives every path
from :mod:`bench.paths` and writes ``bench/results.md`` and ``bench/results.json``.
"""
