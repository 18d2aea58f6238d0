"""The Matcher's semantic side: embeddings, small talk and the calibrated decision.

A mixin of `Matcher` (bot.matching.lexical), kept apart so that each reads as
one idea: the lexical scorer ranks by shared words; this side adds what the
message means (`semantic`), recognises small talk (`small_talk`) and decides
with the calibrated model (`decision`).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Sequence

import numpy as np

from bot.knowledge import COMMON, Entry, Knowledge
from bot.matching import decision
from bot.matching.decision import Calibration, Signals
from bot.matching.index import _Word
from bot.matching.places import _PlaceFinder
from bot.matching.semantic import Embedder, SemanticIndex, VectorCache, shared_embedder
from bot.matching.results import Candidate, Outcome
from bot.matching.small_talk import SmallTalk, read_phrases
from bot.text import fold, tokens


def meaning_text(places: _PlaceFinder, text: str, exact: bool = False) -> str:
    """The text to embed: without the names of municipalities and towns, which decide
    where to look (as on the lexical side) but would pull the meaning towards any
    question that names the same place. The knowledge's own questions spell names as
    they are (`exact`, as the lexical index reads them); a message may misspell them."""
    toks = tokens(text)
    if exact:
        found = {i for i, t in enumerate(toks) if fold(t) in places.names}
    else:
        _, found = places.find([fold(t) for t in toks])
    if not found:
        return text
    return " ".join(t for i, t in enumerate(toks) if i not in found) or text


def entry_texts(places: _PlaceFinder, entries: Sequence[Entry]) -> dict[str, tuple[list[str],
                                                                                list[str]]]:
    """What is embedded of each entry, by its key: its question variants, and its answers
    (one per language), all without place names."""
    return {e.key: ([meaning_text(places, q, exact=True) for qs in e.questions.values() for q in qs],
                    [meaning_text(places, a, exact=True) for a in e.answer.values()])
            for e in entries}


def embedded_texts(by_entry: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """Every text a matcher embeds at load: questions, answers, small-talk phrases."""
    texts = [t for questions, answers in by_entry.values() for t in (*questions, *answers)]
    return texts + [p for phrases in read_phrases().values() for p in phrases]


class MeaningSide:
    """Embeds the knowledge's questions and a message; weighs both signals into probabilities."""

    semantic: SemanticIndex | None = None
    answers: SemanticIndex | None = None
    small_talk: SmallTalk | None = None
    calibration: Calibration | None = None
    _embedder: Embedder | None = None

    @staticmethod
    def _start_embedding(knowledge: Knowledge, cache: VectorCache) -> tuple[Future, dict]:
        """Embed the knowledge's questions, answers and the small-talk phrases into `cache`
        in a thread, while the lexical index is built: the engine runs in C without the
        GIL, so the two overlap. Also gives each entry's texts (`entry_texts`)."""
        by_entry = entry_texts(_PlaceFinder(knowledge), knowledge.entries)
        pool = ThreadPoolExecutor(1, thread_name_prefix="embed")
        embedded = pool.submit(cache.rows, embedded_texts(by_entry), shared_embedder())
        pool.shutdown(wait=False)  # the thread ends when the vectors are made
        return embedded, by_entry

    def _build_meaning(self, knowledge: Knowledge, calibration: Calibration | None,
                       cache: VectorCache, persist: bool,
                       embedded: tuple[Future, dict] | None = None) -> None:
        self._embedder = shared_embedder()
        self.calibration = calibration or decision.load_calibration(
            decision.calibration_path(knowledge.root), self._embedder.model)
        if embedded is None:
            by_entry = entry_texts(self._places, self.entries)
        else:
            future, by_entry = embedded
            future.result()  # the texts' vectors are in the cache now
        texts = [by_entry[e.key] for e in self.entries]
        self.semantic = SemanticIndex.build([q for q, _ in texts], self._embedder, cache)
        self.answers = SemanticIndex.build([a for _, a in texts], self._embedder, cache)
        self.small_talk = SmallTalk.build(self._embedder, cache)
        if persist:
            cache.save()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_embedder"] = None  # the model lives in the process, not in a pickle
        return state

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder()
        return self._embedder

    def embedded_texts(self) -> list[str]:
        return embedded_texts(entry_texts(self._places, self.entries))

    def meaning_text(self, text: str) -> str:
        return meaning_text(self._places, text)

    def visible_positions(self, municipality: str | None) -> np.ndarray:
        """The positions of the entries that answer in `municipality`, overrides winning."""
        local = self._scopes.get(municipality) if municipality else None
        out: list[int] = []
        common = self._scopes.get(COMMON)
        if common is not None:
            hidden = set(local.ids) if local else set()
            out += [pos for eid, pos in common.ids.items() if eid not in hidden]
        if local is not None:
            out += list(local.ids.values())
        return np.array(sorted(out), dtype=np.int64)

    def signals(self, query: np.ndarray, qwords: list[_Word], lexical: Sequence[Candidate],
                municipality: str | None, negative: float) -> tuple[np.ndarray, Signals, list[int]]:
        """Both scorers' view of every visible entry, and each one's best semantic variant."""
        assert self.semantic is not None and self.answers is not None
        positions = self.visible_positions(municipality)
        cosine, rows = _cosines(self.semantic, query, positions)
        answer, _ = _cosines(self.answers, query, positions)
        at = {int(p): i for i, p in enumerate(positions)}
        n = len(positions)
        lex, evid, vside, mside, eside = (np.zeros(n) for _ in range(5))
        for c in lexical:
            i = at[self._scopes[c.entry.scope].ids[c.entry.id]]
            lex[i], evid[i] = c.score / 100, c.evidence / self.unknown_idf
            vside[i], mside[i], eside[i] = c.variant_side / 100, c.message_side / 100, c.entry_side / 100
        unknown = sum(1 for w in qwords if not w.hits and not w.parts) / max(1, len(qwords))
        return positions, Signals(lex, cosine, answer, evid, vside, mside, eside, len(qwords),
                                  unknown, negative), rows.tolist()

    def weigh(self, query: np.ndarray, qwords: list[_Word], lexical: Sequence[Candidate],
              municipality: str | None, negative: float) -> list[Candidate]:
        """The candidates of both signals with their calibrated probabilities, most likely first."""
        assert self.semantic is not None and self.calibration is not None
        positions, sig, rows = self.signals(query, qwords, lexical, municipality, negative)
        if not len(positions):
            return []
        at = decision.candidates(sig)
        features = decision.feature_rows(sig, at)
        probs = self.calibration.probabilities(features)
        by_key = {c.entry.key: c for c in lexical}
        out = []
        for k, i in enumerate(at):
            e = self.entries[int(positions[i])]
            base = by_key.get(e.key) or Candidate(e, 0.0, self.semantic.variant_text[rows[i]],
                                                  0.0, 0.0, 0.0)
            out.append(replace(base, cosine=round(float(sig.cosine[i]), 4),
                               probability=round(float(probs[k]), 4),
                               features=tuple(round(float(f), 4) for f in features[k])))
        out.sort(key=lambda c: (-(c.probability or 0.0), -c.score, c.entry.id))
        return out

    def small_talk_kind(self, query: np.ndarray,
                        candidates: Sequence[Candidate]) -> tuple[str | None, float]:
        """The kind of small talk a message is, if it is, and its margin over the questions."""
        assert self.small_talk is not None and self.calibration is not None
        kind, cosine = self.small_talk.closest(query)
        nearest = max((c.cosine or 0.0 for c in candidates), default=0.0)
        margin = round(cosine - nearest, 4)
        return (kind if margin >= self.calibration.small_talk else None), margin

    def decide_calibrated(self, candidates: Sequence[Candidate]) -> tuple[Outcome, list[Entry]]:
        """Answer the most likely entry at p ≥ answer; suggest those at p ≥ suggest; else fall back."""
        cal = self.calibration
        assert cal is not None
        if candidates and (candidates[0].probability or 0.0) >= cal.answer:
            return Outcome.ANSWERED, []
        close = [c.entry for c in candidates if (c.probability or 0.0) >= cal.suggest]
        if close:
            return Outcome.SUGGESTED, close[:self.thresholds.max_suggestions]
        return Outcome.FALLBACK, []


def _cosines(index: SemanticIndex, query: np.ndarray,
             positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each visible entry's best cosine in `index`, and the row it came from."""
    cosine = np.zeros(len(positions))
    rows = np.zeros(len(positions), dtype=np.int64)
    # Visible positions are runs of consecutive entries: score each run at once.
    breaks = np.nonzero(np.diff(positions) != 1)[0] + 1
    for run in np.split(np.arange(len(positions)), breaks):
        if len(run):
            lo, hi = int(positions[run[0]]), int(positions[run[-1]]) + 1
            cosine[run], rows[run] = index.entry_cosines(query, lo, hi)
    return cosine, rows
