"""One turn of the conversation: the user's state and an event in, replies out.

The engine knows nothing of Telegram or the terminal. Adapters turn their
updates into events (`TextMessage`, `ButtonPress`, `Command`), show the
`Reply` objects (text, links, rows of buttons) and keep the `UserState`.
Every string a user reads comes from the catalogs (`I18n`) or the knowledge.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from zoneinfo import ZoneInfo
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from bot.knowledge.checklist import Progress, Step, due_now, mark_reminded, plan, steps_for
from bot.i18n import I18n, N_
from bot.knowledge import Entry, Knowledge, text_in
from bot.matching import Match, Matcher, Outcome

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
OSLO = ZoneInfo("Europe/Oslo")
_DATE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{2,4}))\s*$")
MAX_EXAMPLES = 3
MAX_LABEL = 60


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class UserState:
    language: str | None = None  # chosen language; None until chosen or negotiated
    municipality: str | None = None  # chosen municipality id; None when not decided
    onboarded: bool = False
    checklist: Progress | None = None  # the arrival checklist, once started


@dataclass(frozen=True)
class TextMessage:
    text: str


@dataclass(frozen=True)
class ButtonPress:
    data: str


@dataclass(frozen=True)
class Command:
    name: str  # without the slash: 'start', 'help', …
    args: str = ""
    client_language: str | None = None  # the language the client reports (Telegram)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    links: tuple[str, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    footer: str = ""  # shown after the links, before the buttons


@dataclass(frozen=True)
class Record:
    """Something worth remembering for coordinators: a question or feedback."""

    kind: str  # 'question', 'feedback', 'suggestion-taken'
    language: str
    municipality: str | None
    text: str = ""
    outcome: str | None = None
    entry: str | None = None  # scope/id
    score: float | None = None
    value: str | None = None  # feedback: 'up' or 'down'


@dataclass(frozen=True)
class Turn:
    state: UserState
    replies: tuple[Reply, ...]
    records: tuple[Record, ...] = ()
    wants_host: bool = False  # the user confirmed: open a ticket with a host
    leaves_host: bool = False  # the user went back to the assistant: close the ticket
    rating: tuple[int, int] | None = None  # (ticket id, 1–5) the user gave a closed ticket
    forget: bool = False  # the user confirmed: delete everything stored about them
    match: Match | None = None


Event = TextMessage | ButtonPress | Command


@dataclass
class Services:
    """What the engine works with; adapters build one and pass it in."""

    knowledge: Knowledge
    matcher: Matcher
    i18n: I18n
    emergency: Callable[[str], bool] = lambda text: False  # is this about an emergency?
    hosts: Any = None  # escalation.Routing when host chats are set up, else None
    retention_days: int = 365  # how long records are kept (told to users by /privacy)
    today: Callable[[], dt.date] = lambda: dt.datetime.now(OSLO).date()  # tests set the clock


# --------------------------------------------------------------------------- checklist


def parse_day(text: str) -> dt.date | None:
    """A date as people write it: 2026-11-20, 20.11.2026, 20/11/26."""
    m = _DATE.match(text)
    if not m:
        return None
    try:
        if m.group(1):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        year = int(m.group(6))
        return dt.date(year + 2000 if year < 100 else year, int(m.group(5)), int(m.group(4)))
    except ValueError:
        return None


class ChecklistTurns:
    """The /checklist conversation, mixed into the Engine."""

    QUESTIONS = ("arrival", "eu", "children", "armed_forces")

    def checklist_command(self, state: UserState, lang: str, args: str) -> Turn:
        progress = state.checklist
        if args in ("off", "on") and progress is not None:
            state = replace(state, checklist=replace(progress, reminders=args == "on"))
            text = self._(lang, N_("Reminders are off. Send /checklist on to turn them on again.")) \
                if args == "off" else self._(lang, N_("Reminders are on."))
            return Turn(state, (Reply(text),))
        if progress is None or args == "again":
            state = replace(state, checklist=Progress())
            progress = state.checklist
        if progress.asking:
            return Turn(state, (self.checklist_question(progress.asking, lang),))
        return Turn(state, (self.checklist_list(state, lang),))

    def checklist_question(self, asking: str, lang: str) -> Reply:
        yes_no = lambda key: ((Button(self._(lang, N_("Yes")), f"ck:{key}:1"),  # noqa: E731
                               Button(self._(lang, N_("No")), f"ck:{key}:0")),)
        if asking == "arrival":
            return Reply(self._(lang, N_("Let us make your checklist for the first months. When did "
                                         "you arrive in Norway? Press a button, or write the date "
                                         "(for example 20.11.2026).")),
                         buttons=((Button(self._(lang, N_("Today")), "ck:a:0"),
                                   Button(self._(lang, N_("About a week ago")), "ck:a:7"),
                                   Button(self._(lang, N_("About a month ago")), "ck:a:30")),
                                  (Button(self._(lang, N_("Not arrived yet")), "ck:a:-"),)))
        if asking == "eu":
            return Reply(self._(lang, N_("Are you a citizen of an EU/EEA country or Switzerland?")),
                         buttons=yes_no("eu"))
        if asking == "children":
            return Reply(self._(lang, N_("Do children under 18 move with you?")), buttons=yes_no("ch"))
        return Reply(self._(lang, N_("Does someone in your family serve in the Armed Forces "
                                     "(Forsvaret)?")), buttons=yes_no("af"))

    def checklist_answer(self, state: UserState, lang: str, what: str, value: str) -> Turn | None:
        progress = state.checklist
        if progress is None:
            return None
        today = self.services.today()
        if what == "a" and progress.asking == "arrival":
            if value == "-":
                progress = replace(progress, arrival=today, arrived=False)
            elif value.isdigit() and int(value) <= 366:
                progress = replace(progress, arrival=today - dt.timedelta(days=int(value)), arrived=True)
            else:
                try:
                    progress = replace(progress, arrival=dt.date.fromisoformat(value), arrived=True)
                except ValueError:
                    return None
            progress = replace(progress, asking="eu")
        elif what in ("eu", "ch", "af") and value in ("0", "1"):
            field_name = {"eu": "eu", "ch": "children", "af": "armed_forces"}[what]
            order = ["eu", "children", "armed_forces"]
            if progress.asking != field_name:
                return None
            nxt = order.index(field_name) + 1
            progress = replace(progress, **{field_name: value == "1"},
                               asking=order[nxt] if nxt < len(order) else None)
        elif what in ("s", "d", "u", "w"):
            step = next((s for s in steps_for(self.knowledge, state.municipality) if s.id == value), None)
            if step is None or progress.asking:
                return None
            if what == "s":
                entry = self.knowledge.entry(step.entry, state.municipality)
                if entry is None:
                    return None
                answer = self.answer_reply(entry, lang)
                done = step.id in progress.done
                buttons = ((Button(self._(lang, N_("Not done yet")) if done else
                                   self._(lang, N_("Mark as done")), f"ck:{'u' if done else 'd'}:{step.id}"),),)
                return Turn(state, (replace(answer, buttons=answer.buttons + buttons),))
            if what == "d":
                progress = replace(progress, done=progress.done | {step.id})
            elif what == "u":
                progress = replace(progress, done=progress.done - {step.id})
            else:
                snoozed = {**progress.snoozed, step.id: today + dt.timedelta(days=7)}
                progress = replace(progress, snoozed=snoozed)
                state = replace(state, checklist=progress)
                return Turn(state, (Reply(self._(lang, N_("All right, I will remind you again in a "
                                                          "week."))),))
        else:
            return None
        state = replace(state, checklist=progress)
        if progress.asking:
            return Turn(state, (self.checklist_question(progress.asking, lang),))
        return Turn(state, (self.checklist_list(state, lang),))

    def _step_line(self, step: Step, due, done: bool, lang: str) -> str:
        from babel.dates import format_date

        from bot.i18n import babel_locale

        title = step.title.get(lang) or step.title.get(self.region.fallback_language, step.id)
        when = format_date(due, "medium", locale=babel_locale(lang)) if due else "–"
        return f"{'✅' if done else '⬜'} {when}: {title}"

    def checklist_list(self, state: UserState, lang: str) -> Reply:
        progress = state.checklist
        steps = plan(self.knowledge, state.municipality, progress)
        if not steps:
            return Reply(self._(lang, N_("There is no checklist for this region yet.")))
        lines = [self._step_line(s, d, s.id in progress.done, lang) for s, d in steps]
        rows = tuple((Button(f"{'✅' if s.id in progress.done else '⬜'} "
                             f"{(s.title.get(lang) or s.id)[:MAX_LABEL]}", f"ck:s:{s.id}"),)
                     for s, _ in steps)
        head = self._(lang, N_("Your checklist for the first months. Press a step to read how; I "
                               "remind you when a step is due (/checklist off stops that)."))
        return Reply(head + "\n\n" + "\n".join(lines), buttons=rows)

    def reminders(self, state: UserState, today: dt.date) -> Turn | None:
        """Today's reminder for this user, at most one a day; None if nothing is due."""
        progress = state.checklist
        if progress is None:
            return None
        steps = due_now(self.knowledge, state.municipality, progress, today)
        if not steps:
            return None
        lang = self.language_of(state)
        state = replace(state, checklist=mark_reminded(progress, steps, today))
        lines = [self._step_line(s, s.due(progress.arrival), False, lang) for s in steps]
        rows = tuple((Button(f"✅ {(s.title.get(lang) or s.id)[:40]}", f"ck:d:{s.id}"),
                      Button(self._(lang, N_("In a week")), f"ck:w:{s.id}")) for s in steps)
        text = self._(lang, N_("A reminder from your checklist: it is time for")) + "\n" + \
            "\n".join(lines)
        return Turn(state, (Reply(text, buttons=rows),))


# --------------------------------------------------------------------------- engine


class Engine(ChecklistTurns):
    """Turns (state, event) into a Turn."""

    COMMANDS = ("start", "help", "language", "municipality", "topics", "host", "privacy", "forget",
                "checklist")

    def __init__(self, services: Services):
        self.services = services

    # Shortcuts to the current services (they may be swapped on reload).
    @property
    def knowledge(self) -> Knowledge:
        return self.services.knowledge

    @property
    def region(self):
        return self.services.knowledge.region

    def _(self, lang: str, message: str, **values) -> str:
        return self.services.i18n.gettext(lang, message, **values)

    def language_of(self, state: UserState) -> str:
        return state.language if state.language in self.region.languages \
            else self.region.fallback_language

    # ----------------------------------------------------------------- dispatch

    def handle(self, state: UserState, event: Event) -> Turn:
        if isinstance(event, Command):
            return self._command(state, event)
        if isinstance(event, ButtonPress):
            return self._button(state, event.data)
        if isinstance(event, TextMessage):
            return self._text(state, event.text)
        raise TypeError(f"unknown event {event!r}")

    def _command(self, state: UserState, cmd: Command) -> Turn:
        name = cmd.name.lower().split("@")[0]
        if name == "start":
            return self.start(state, cmd.args, cmd.client_language)
        lang = self.language_of(state)
        if name == "help":
            return Turn(state, (self.help_reply(state, lang),))
        if name == "language":
            return Turn(state, (self.language_prompt(lang),))
        if name == "municipality":
            return Turn(state, (self.municipality_prompt(lang),))
        if name == "topics":
            return Turn(state, (self.topics_reply(state, lang),))
        if name == "host":
            return self.ask_host(state, lang)
        if name == "checklist":
            return self.checklist_command(state, lang, cmd.args.strip().lower())
        if name == "privacy":
            return Turn(state, (Reply(self._(lang, N_(
                "What I store, and why:\n"
                "• your language and municipality, so that I answer for you – until you send /forget;\n"
                "• the questions you ask and your 👍/👎, without your name or number (only a "
                "scrambled code), so that the municipalities can improve the answers – deleted "
                "after {days} days;\n"
                "• if you talk to a host: your first name and the conversation go to the host "
                "chat of your municipality, which keeps it as a case; my own copy of its details "
                "is deleted {days} days after the case is closed.\n"
                "Your phone number is never stored or shared. /forget deletes everything about "
                "you."), days=self.services.retention_days)),))
        if name == "forget":
            return Turn(state, (Reply(
                self._(lang, N_("Shall I delete everything I have stored about you – your choices, "
                                "your questions and your conversations with hosts? This cannot be "
                                "undone.")),
                buttons=((Button(self._(lang, N_("Yes, delete everything")), "fg"),),
                         (Button(self._(lang, N_("No, keep it")), "hn"),))),))
        return Turn(state, (Reply(self._(lang, N_("I do not know that command. Send /help to "
                                                  "see what I can do."))),))

    # ----------------------------------------------------------------- onboarding

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

    def _language_list(self, lang: str) -> str:
        names = [self.services.i18n.language_name(x) for x in self.region.languages]
        if len(names) == 1:
            return names[0]
        return self._(lang, N_("{first} or {last}"), first=", ".join(names[:-1]), last=names[-1])

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

    # ----------------------------------------------------------------- questions

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

    # ----------------------------------------------------------------- buttons

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

    def _button(self, state: UserState, data: str) -> Turn:
        lang = self.language_of(state)
        kind, _, value = data.partition(":")
        region = self.region
        if kind == "l" and value in region.languages:
            state = replace(state, language=value)
            reply = Reply(self._(value, N_("I will write in {language}."),
                                 language=self.services.i18n.language_name(value)))
            return Turn(state, (reply,))
        if kind == "m" and (value == "-" or region.municipality(value) is not None):
            state = replace(state, municipality=None if value == "-" else value, onboarded=True)
            return Turn(state, (self.municipality_set(state, lang),))
        if kind == "t" and value in region.topics:
            return Turn(state, (self.topic_reply(state, lang, value),))
        if kind == "a":
            entry = self._entry_from(value)
            if entry is not None:
                record = Record("suggestion-taken", lang, state.municipality, entry=entry.key)
                return Turn(state, (self.answer_reply(entry, lang),), (record,))
        if kind in ("f+", "f-"):
            entry = self._entry_from(value)
            if entry is not None:
                up = kind == "f+"
                record = Record("feedback", lang, state.municipality, entry=entry.key,
                                value="up" if up else "down")
                if up:
                    reply = Reply(self._(lang, N_("Thank you for telling me!")))
                else:
                    reply = Reply(self._(lang, N_("Thank you. I have noted that this did not "
                                                  "help, so that the answer can be improved. A "
                                                  "person can help you further.")),
                                  buttons=((Button(self._(lang, N_("Ask a person")), "h"),),))
                return Turn(state, (reply,), (record,))
        if kind == "h" and not value:
            return self.ask_host(state, lang)
        if kind == "ck":
            what, _, rest = value.partition(":")
            turn = self.checklist_answer(state, lang, what, rest)
            if turn is not None:
                return turn
        if data == "fg":
            return Turn(UserState(), (Reply(self._(lang, N_(
                "Done: I have deleted everything about you. Send /start to begin again."))),),
                forget=True)
        host = self.host_button(state, lang, data)
        if host is not None:
            return host
        return Turn(state, (Reply(self._(lang, N_("This button has expired. Please ask your "
                                                  "question again."))),))

    # ----------------------------------------------------------------- topics, help, host

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

    def help_reply(self, state: UserState, lang: str) -> Reply:
        return Reply(self._(lang, N_(
            "Write your question in your own words, in {languages}. I answer for your "
            "municipality and link to the official pages.\n\n"
            "If I am not sure, I show a few questions to choose from. If I cannot help, "
            "\"Ask a person\" brings in a host from your municipality.\n\n"
            "/topics – browse all questions by topic\n"
            "/checklist – your steps for the first months, with reminders\n"
            "/municipality – choose your municipality\n"
            "/language – choose the language\n"
            "/host – ask a person\n"
            "/privacy – what is stored about you; /forget deletes it\n"
            "/help – this text"), languages=self._language_list(lang)))

    def ask_host(self, state: UserState, lang: str) -> Turn:
        """Says what a host would see and asks to confirm; without hosts, where to find them."""
        region = self.region
        m = region.municipality(state.municipality) if state.municipality else None
        place = text_in(m.name, lang, region.fallback_language) if m else \
            text_in(region.name, lang, region.fallback_language)
        if self.services.hosts is None:
            if m is not None and m.website:
                text = self._(lang, N_("Hosts will soon answer here. Until then, you find the "
                                       "contact details of {municipality} on {website}"),
                              municipality=place, website=m.website)
            else:
                text = self._(lang, N_("Hosts will soon answer here. Until then, choose your "
                                       "municipality with /municipality to see where to find "
                                       "them."))
            return Turn(state, (Reply(text),))
        text = self._(lang, N_("I can pass your question to a host in {place}: a person who "
                               "helps newcomers. The host will see your first name, your "
                               "language, your municipality and your conversation with me – "
                               "never your phone number. Shall I pass it on?"), place=place)
        buttons = ((Button(self._(lang, N_("Yes, ask a person")), "hc"),),
                   (Button(self._(lang, N_("No, thanks")), "hn"),))
        return Turn(state, (Reply(text, buttons=buttons),))

    def host_button(self, state: UserState, lang: str, data: str) -> Turn | None:
        """The buttons around a host conversation: confirm, cancel, back, rating."""
        if data == "hc" and self.services.hosts is not None:
            return Turn(state, (), wants_host=True)
        if data == "hn":
            return Turn(state, (Reply(self._(lang, N_("All right. Ask me anything else."))),))
        if data == "hb":
            return Turn(state, (Reply(self._(lang, N_("You are back with the assistant. Ask me "
                                                      "anything."))),), leaves_host=True)
        kind, _, rest = data.partition(":")
        if kind == "r":
            ticket, _, value = rest.partition(":")
            if ticket.isdigit() and value in ("1", "2", "3", "4", "5"):
                return Turn(state, (Reply(self._(lang, N_("Thank you for your rating!"))),),
                            rating=(int(ticket), int(value)))
        return None


def all_button_data(replies: Iterable[Reply]) -> list[str]:
    return [b.data for r in replies for row in r.buttons for b in row]
