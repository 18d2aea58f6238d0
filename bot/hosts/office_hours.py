"""Office hours: when a host chat is staffed, and working time that skips the closed hours.

Times are Europe/Oslo.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class OfficeHoursError(ValueError):
    """Office hours are written wrongly; the message shows the right form."""


@dataclass(frozen=True)
class OfficeHours:
    """Opening times per weekday (0 = Monday), e.g. "Mon-Fri 08:00-15:30"."""

    spans: Mapping[int, tuple[dt.time, dt.time]]
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        spans: dict[int, tuple[dt.time, dt.time]] = {}
        for part in text.split(","):
            m = _SPAN.match(part)
            if not m:
                raise OfficeHoursError(f"office hours '{text}' are not like \"Mon-Fri 08:00-15:30\" "
                                       "(several spans: \"Mon-Thu 08:00-15:30, Fri 08:00-14:00\")")
            first, last, h1, m1, h2, m2 = m.groups()
            try:
                a, b = DAYS.index(first.lower()), DAYS.index((last or first).lower())
                start, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
            except ValueError:
                raise OfficeHoursError(f"office hours '{text}': days are Mon, Tue, Wed, Thu, Fri, "
                                       "Sat, Sun and times 00:00 to 23:59") from None
            if end <= start:
                raise OfficeHoursError(f"office hours '{text}': the end must be after the start")
            for day in range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]:
                spans[day] = (start, end)
        return cls(spans, text.strip())

    def is_open(self, when: dt.datetime) -> bool:
        local = when.astimezone(OSLO)
        span = self.spans.get(local.weekday())
        return span is not None and span[0] <= local.time() < span[1]

    def next_open(self, when: dt.datetime) -> dt.datetime:
        """`when` itself if open, else the next opening time (in Oslo time)."""
        local = when.astimezone(OSLO)
        if self.is_open(local):
            return local
        for days in range(8):
            day = (local + dt.timedelta(days=days)).date()
            span = self.spans.get(day.weekday())
            if span is None:
                continue
            start = dt.datetime.combine(day, span[0], OSLO)
            if start > local:
                return start
        raise OfficeHoursError("no opening hours in the week")

    def add_working_time(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment when `hours` of opening time have passed since `start`."""
        left = dt.timedelta(hours=hours)
        moment = self.next_open(start)
        while True:
            span = self.spans[moment.weekday()]
            close = dt.datetime.combine(moment.date(), span[1], OSLO)
            if moment + left <= close:
                return moment + left
            left -= close - moment
            moment = self.next_open(close + dt.timedelta(seconds=1))
