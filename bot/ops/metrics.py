"""What an operator watches, in the Prometheus text format; nothing personal.

Counts only: updates handled, questions per outcome and language (a language
outside the region counts as 'other', so a label never carries what a user typed),
handler latency, tickets open, reload failures, and the age of the last update.
No user id, chat id, name or text is ever a label or a value.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable

from prometheus_client import (CollectorRegistry, Counter, Histogram, disable_created_metrics,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

disable_created_metrics()  # the *_created series only repeat the start time
CONTENT_TYPE = CONTENT_TYPE_LATEST
OUTCOMES = ("answered", "suggested", "fallback")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Live:
    """Figures read when scraped: tickets open, reload failures, knowledge entries."""

    def __init__(self, read: Callable[[], dict[str, float]]):
        self.read = read

    def collect(self):
        values = self.read()
        for name, help_text in (
                ("vertskap_tickets_open", "Cases passed to hosts and not closed"),
                ("vertskap_reload_failures", "Knowledge reloads refused for errors since start"),
                ("vertskap_knowledge_entries", "Entries in the knowledge that answers now"),
                ("vertskap_last_update_age_seconds", "Seconds since the last update was handled "
                                                     "(-1: none yet)")):
            if name in values:
                yield GaugeMetricFamily(name, help_text, value=values[name])


class Metrics:
    """The assistant's counters, in their own registry (one per application)."""

    def __init__(self, languages: Iterable[str]):
        self.languages = frozenset(languages)
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter("vertskap_updates_handled", "Telegram updates handled",
                               registry=self.registry)
        self.questions = Counter("vertskap_questions", "Questions by outcome and language",
                                 ["outcome", "language"], registry=self.registry)
        self.latency = Histogram("vertskap_handler_seconds", "Time to handle one update",
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        for outcome in OUTCOMES:  # present from the start, so that rates work at once
            for lang in sorted(self.languages):
                self.questions.labels(outcome, lang)
        self.last_update: float | None = None  # time.time() of the last handled update
        self._live: Callable[[], dict[str, float]] = dict

    def live(self, read: Callable[[], dict[str, float]]) -> None:
        """Sets the function that reads the figures known only when scraped."""
        self._live = read
        self.registry.register(_Live(self._read_live))

    def _read_live(self) -> dict[str, float]:
        values = dict(self._live())
        values["vertskap_last_update_age_seconds"] = self.last_update_age()
        return values

    def last_update_age(self) -> float:
        return -1.0 if self.last_update is None else round(time.time() - self.last_update, 3)

    def handled(self, seconds: float) -> None:
        self.updates.inc()
        self.latency.observe(seconds)
        self.last_update = time.time()

    def counted(self, records) -> None:
        """Counts the questions among a turn's records (their outcome and language only)."""
        for record in records:
            if record.kind == "question" and record.outcome in OUTCOMES:
                lang = record.language if record.language in self.languages else "other"
                self.questions.labels(record.outcome, lang).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
