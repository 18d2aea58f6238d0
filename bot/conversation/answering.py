"""Answering: a question matched to the knowledge, the answer, suggestions, topics, feedback."""

from __future__ import annotations

import zlib

from bot.conversation.base import MAX_LABEL, EngineBase
from bot.conversation.checklist import parse_day
from bot.conversation.turns import CALLBACK_LIMIT, Button, Record, Reply, Turn, UserState
from bot.i18n import N_
from bot.knowledge import Entry, text_in
from bot.matching import Outcome


class Answering(EngineBase):
    """A question, the entry buttons that lead to answers, and the topics to browse."""

    def _text(self, state: UserState, text: str) -> Turn:
        text = text.strip()
        lang = self.language_of(state)
        progress = state.checklist
        if progress is not None and progress.asking == "arrival":
            arrival = parse_day(text)
            if arrival is not None:
                return self.checklist_answer(state, lang, "a", arrival.isoformat())
        if not text:
            return Turn(state, (Reply(self._(lang, N_("Please write your question as text."))),))
        match = self.services.matcher.match(text, municipality=state.municipality,
                                            language=state.language)
        lang = match.language
        first: tuple[Reply, ...] = ()
        if self.services.emergency(text):
            first = (Reply(self._(lang, N_("If this is an emergency, call now: 113 for an ambulance, "
                                          "112 for the police, 110 for the fire service. A doctor "
                                          "out of hours (legevakt): 116 117."))),)
        record = Record("question", lang, match.municipality, text=text,
                        outcome=match.outcome.value,
                        entry=match.candidates[0].entry.key if match.candidates else None,
                        score=match.score)
        if match.outcome is Outcome.ANSWERED:
            replies = (self.answer_reply(match.entry, lang),)
        elif match.outcome is Outcome.SUGGESTED:
            rows = [(Button(self._label(e, lang), self._entry_data("a", e)),)
                    for e in match.suggestions]
            rows.append((Button(self._(lang, N_("Ask a person")), "h"),))
            replies = (Reply(self._(lang, N_("I am not sure I understood. Did you mean one of "
                                             "these?")), buttons=tuple(rows)),)
        else:
            replies = (Reply(self._(lang, N_("Sorry, I have no answer to that. A host in your "
                                             "municipality can help you.")),
                             buttons=((Button(self._(lang, N_("Ask a person")), "h"),),)),)
        return Turn(state, first + replies, (record,), match=match)

    def answer_reply(self, entry: Entry, lang: str) -> Reply:
        fallback = self.region.fallback_language
        text = text_in(entry.answer, lang, fallback)
        if lang not in entry.answer:
            shown = next((x for x in (fallback, *entry.answer) if x in entry.answer), fallback)
            text = self._(lang, N_("This answer is not available in {language} yet; here it is "
                                   "in {fallback}."),
                          language=self.services.i18n.language_name(lang, lang),
                          fallback=self.services.i18n.language_name(shown, lang)) + "\n\n" + text
        buttons = ((Button("👍", self._entry_data("f+", entry)),
                    Button("👎", self._entry_data("f-", entry))),)
        return Reply(text, links=entry.links, buttons=buttons,
                     footer=self._(lang, N_("Was this helpful?")))

    def _label(self, entry: Entry, lang: str) -> str:
        qs = entry.questions.get(lang) or entry.questions.get(self.region.fallback_language) \
            or next(iter(entry.questions.values()))
        label = max(qs, key=len)
        return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"

    @staticmethod
    def _entry_ref(entry: Entry) -> str:
        return f"{entry.scope}/{entry.id}"

    def _entry_data(self, prefix: str, entry: Entry) -> str:
        data = f"{prefix}:{self._entry_ref(entry)}"
        if len(data.encode()) <= CALLBACK_LIMIT:
            return data
        return f"{prefix}:#{zlib.crc32(entry.key.encode()):08x}"

    def _entry_from(self, ref: str) -> Entry | None:
        if ref.startswith("#"):
            return next((e for e in self.knowledge.entries
                         if f"#{zlib.crc32(e.key.encode()):08x}" == ref), None)
        return self.knowledge.entry_by_key(ref)

    def topics_reply(self, state: UserState, lang: str) -> Reply:
        visible = self.knowledge.visible_entries(state.municipality)
        used = {e.topic for e in visible}
        rows = tuple((Button(text_in(name, lang, self.region.fallback_language), f"t:{tid}"),)
                     for tid, name in self.region.topics.items() if tid in used)
        return Reply(self._(lang, N_("Choose a topic:")), buttons=rows)

    def topic_reply(self, state: UserState, lang: str, topic: str) -> Reply:
        entries = [e for e in self.knowledge.visible_entries(state.municipality) if e.topic == topic]
        rows = tuple((Button(self._label(e, lang), self._entry_data("a", e)),) for e in entries)
        name = text_in(self.region.topics[topic], lang, self.region.fallback_language)
        return Reply(self._(lang, N_("Questions about {topic}:"), topic=name), buttons=rows)
