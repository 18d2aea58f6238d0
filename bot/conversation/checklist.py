"""The /checklist conversation: arrival date, three facts, the steps, reminders."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.conversation.base import MAX_LABEL, EngineBase
from bot.conversation.turns import Button, Reply, Turn, UserState
from bot.i18n import N_
from bot.knowledge.checklist import Progress, Step, due_now, mark_reminded, plan, steps_for

_DATE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{2,4}))\s*$")


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


class ChecklistTurns(EngineBase):
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
