"""Onboarding: the greeting (with a deep link's choices), municipality and language."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.base import EngineBase
from bot.conversation.turns import Button, Reply, Turn, UserState
from bot.i18n import N_
from bot.knowledge import text_in

MAX_EXAMPLES = 3


class Onboarding(EngineBase):
    """/start, and the prompts for municipality and language."""

    def start(self, state: UserState, payload: str = "", client_language: str | None = None) -> Turn:
        """Greets, and asks for the municipality unless a deep link names it."""
        region = self.region
        lang = state.language or self.services.i18n.negotiate(client_language, default="en")
        municipality, topic = None, None
        parts = [p for p in payload.strip().lower().split("-") if p] if payload else []
        # Deep link: <municipality>[-<language>[-<topic>]]; topic ids may contain '-'.
        if parts and region.municipality(parts[0]) is not None:
            municipality = parts[0]
            if len(parts) > 1 and parts[1] in region.languages:
                lang = parts[1]
                rest = "-".join(parts[2:])
                if rest in region.topics:
                    topic = rest
        state = replace(state, language=lang, onboarded=True,
                        municipality=municipality or state.municipality)
        replies = [Reply(self._(lang, N_("Welcome! I am the newcomer assistant of {region}. "
                                         "Ask me your question in your own words, in {languages}."),
                                region=text_in(region.name, lang, region.fallback_language),
                                languages=self._language_list(lang)))]
        if municipality is None:
            replies.append(self.municipality_prompt(lang))
        else:
            replies.append(self.municipality_set(state, lang))
            if topic is not None:
                replies.append(self.topic_reply(state, lang, topic))
        return Turn(state, tuple(replies))

    def municipality_prompt(self, lang: str) -> Reply:
        rows = [(Button(text_in(m.name, lang, self.region.fallback_language), f"m:{m.id}"),)
                for m in self.region.municipalities]
        rows.append((Button(self._(lang, N_("Not decided yet")), "m:-"),))
        return Reply(self._(lang, N_("Which municipality do you live in, or are you moving to?")),
                     buttons=tuple(rows))

    def language_prompt(self, lang: str) -> Reply:
        row = tuple(Button(self.services.i18n.language_name(x), f"l:{x}")
                    for x in self.region.languages)
        return Reply(self._(lang, N_("Which language should I write in?")), buttons=(row,))

    def municipality_set(self, state: UserState, lang: str) -> Reply:
        region = self.region
        if state.municipality is None:
            text = self._(lang, N_("All right. I will answer with what holds everywhere in "
                                   "{region}. You can choose your municipality later with "
                                   "/municipality."),
                          region=text_in(region.name, lang, region.fallback_language))
        else:
            m = region.municipality(state.municipality)
            text = self._(lang, N_("Thank you. I will answer for {municipality}. You can change "
                                   "this with /municipality."),
                          municipality=text_in(m.name, lang, region.fallback_language))
        examples = self.examples(state.municipality, lang)
        if examples:
            text += "\n\n" + self._(lang, N_("You can ask, for example:")) + "\n" + \
                "\n".join(f"• {q}" for q in examples)
        text += "\n\n" + self._(lang, N_("I cannot help in an emergency: call 113 for an "
                                         "ambulance, 112 for the police or 110 for the fire "
                                         "service."))
        return Reply(text)

    def examples(self, municipality: str | None, lang: str) -> list[str]:
        """Questions this municipality's knowledge answers: local entries first, one per topic."""
        entries = sorted(self.knowledge.visible_entries(municipality),
                         key=lambda e: (e.scope != municipality, e.source, e.line))
        seen_topics: set[str] = set()
        out = []
        for e in entries:
            qs = e.questions.get(lang)
            if not qs or e.topic in seen_topics:
                continue
            question = max(qs, key=len)  # the fullest phrasing reads best as an example
            seen_topics.add(e.topic)
            out.append(question)
            if len(out) == MAX_EXAMPLES:
                break
        return out
