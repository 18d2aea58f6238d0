"""Live reload: a saved change to the knowledge goes live; a broken one never takes it down.

The engine reads the knowledge, matcher and emergency phrases from the shared
`Services` object, so a reload only swaps those three after the new folder has
loaded without errors. Findings of a failed reload come back to the caller,
who logs them and tells the coordinators.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bot.conversation import Services
from bot.conversation.emergency import EmergencyDetector
from bot.knowledge.findings import Finding, Level
from bot.i18n import N_
from bot.knowledge import KnowledgeError, load_knowledge
from bot.matching import Matcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    seconds: float
    entries: int
    errors: tuple[Finding, ...] = ()

    def summary(self, _=lambda message, **values: message.format(**values)) -> str:
        """For people: `_` is a catalog's gettext for their language (English without one)."""
        if self.ok:
            return _(N_("Knowledge reloaded: {entries} entries in {seconds} s."),
                     entries=self.entries, seconds=f"{self.seconds:.2f}")
        lines = [_(N_("Knowledge NOT reloaded ({count} errors); still answering from the last good "
                      "version:"), count=len(self.errors))]
        lines += [str(f) for f in self.errors[:20]]
        if len(self.errors) > 20:
            lines.append(_(N_("… and {count} more (vertskap validate lists them all)"),
                           count=len(self.errors) - 20))
        return "\n".join(lines)


class Reloader:
    """Reloads one knowledge folder into one Services object, one reload at a time."""

    def __init__(self, services: Services, folder: Path):
        self.services = services
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self.failures = 0  # reloads refused since start, for the metrics

    def reload(self) -> ReloadResult:
        with self._lock:
            start = time.perf_counter()
            try:
                knowledge = load_knowledge(self.folder)
                matcher = Matcher(knowledge)
            except KnowledgeError as exc:
                errors = tuple(f for f in exc.findings if f.level is Level.ERROR)
                result = ReloadResult(False, time.perf_counter() - start,
                                      len(self.services.knowledge.entries), errors)
                for finding in errors:
                    log.error("knowledge: %s", finding)
                self.failures += 1
                return result
            if knowledge.region.languages != self.services.knowledge.region.languages:
                # New languages need their catalogs checked at start: not done live.
                finding = Finding("region.yaml", 1, 1, Level.ERROR,
                                  "the languages changed; restart the assistant to use them")
                log.error("knowledge: %s", finding)
                self.failures += 1
                return ReloadResult(False, time.perf_counter() - start,
                                    len(self.services.knowledge.entries), (finding,))
            emergency = EmergencyDetector(knowledge.region.languages)
            # one assignment each; a turn in flight finishes with what it started with
            self.services.knowledge, self.services.matcher, self.services.emergency = \
                knowledge, matcher, emergency
            result = ReloadResult(True, time.perf_counter() - start, len(knowledge.entries))
            log.info(result.summary())
            return result


def watch_in_thread(reloader: Reloader, on_result: Callable[[ReloadResult], None] | None = None,
                    stop: threading.Event | None = None) -> threading.Thread:
    """Watches the folder in a daemon thread (the console); reloads within ~1 s of a save."""
    from watchfiles import watch

    stop = stop or threading.Event()

    def run():
        for _changes in watch(reloader.folder, stop_event=stop, debounce=300, step=50):
            result = reloader.reload()
            if on_result:
                on_result(result)

    thread = threading.Thread(target=run, name="knowledge-watch", daemon=True)
    thread.start()
    return thread


async def watch_async(reloader: Reloader, on_result, stop=None) -> None:
    """Watches the folder in the event loop (Telegram); the reload runs in a thread."""
    import asyncio

    from watchfiles import awatch

    async for _changes in awatch(reloader.folder, debounce=300, step=50, stop_event=stop):
        result = await asyncio.to_thread(reloader.reload)
        await on_result(result)
