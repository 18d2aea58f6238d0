"""What matching a message gives: the outcome, the candidates and their scores."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.knowledge import Entry


class Outcome(str, Enum):
    ANSWERED = "answered"
    SUGGESTED = "suggested"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    variant: str  # the question variant that fitted best
    message_side: float  # share of the message covered by that variant, 0–100
    variant_side: float  # share of that variant covered by the message, 0–100
    entry_side: float  # share of the message covered by the whole entry, 0–100
    evidence: float = 0.0  # weight of the message's words that the best variant matched
    cosine: float | None = None  # the semantic scorer's best cosine, when it is on
    probability: float | None = None  # the calibrated chance that this entry is right
    features: tuple[float, ...] = ()  # what the probability was computed from (for --explain)


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    language: str
    language_certain: bool
    municipality: str | None  # the one used for this question
    municipality_from_text: bool
    candidates: tuple[Candidate, ...]  # best first
    suggestions: tuple[Entry, ...] = ()
    words: tuple[str, ...] = ()  # the words the scoring used (for --explain)
    small_talk: str | None = None  # 'greeting', 'thanks', 'bot' or 'bye': answered in kind
    small_talk_margin: float | None = None  # how much closer to small talk than to any question
    negative: str = ""  # the nearest out-of-scope training case (for --explain)
    foreign: str | None = None  # the message's language when the region does not answer in it

    @property
    def entry(self) -> Entry | None:
        return self.candidates[0].entry if self.outcome is Outcome.ANSWERED else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def confidence(self) -> float | None:
        """The calibrated probability that the best entry is right (None: lexical only)."""
        return self.candidates[0].probability if self.candidates else None
