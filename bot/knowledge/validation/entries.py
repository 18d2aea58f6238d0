"""Checkers of the FAQ files and their entries: scopes, keys, topics, ids, texts, links, dates."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from bot.knowledge.documents import KeyPath
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, Message, say
from bot.knowledge.model import COMMON
from bot.knowledge.reading import parse_date
from bot.knowledge.validation.context import (FILE_KEYS, ENTRY_KEYS, REVIEW_MAX_AGE, RawEntry,
                                              Context, scope_of, suggestion, did_you_mean, is_text,
                                              kind, shown, id_problem, is_web_address,
                                              web_address_fix, language_list, unknown_keys)
from bot.text import normalize


def check_faq_scopes(ctx: Context) -> Iterable[Finding]:
    """faq/<scope>/ is 'common' or a municipality id."""
    if ctx.municipality_ids is None:
        return
    known = (COMMON, *ctx.municipality_ids)
    for doc in ctx.faq_docs:
        scope = scope_of(doc)
        if scope not in known:
            close = suggestion(scope, known)
            hint = (say(N_("did you mean faq/{folder}/?"), folder=close) if close
                    else say(N_("rename the folder or add the municipality to region.yaml")))
            # A problem of the file's place, not of a value in it: the file's first line.
            yield Finding(doc.name, 1, 1, Level.ERROR, say(N_(
                "the folder faq/{folder}/ is neither 'common' nor a municipality id of region.yaml "
                "({known}); {hint}"), folder=scope, known=", ".join(known), hint=hint))


def check_faq_file_keys(ctx: Context) -> Iterable[Finding]:
    for doc in ctx.faq_docs:
        if not isinstance(doc.data, dict):
            continue  # reported by the loader
        yield from unknown_keys(doc, (), doc.data, FILE_KEYS, say(N_("at the top of the file")))
        if doc.data.get("entries") == []:
            yield doc.finding(Level.WARNING, say(N_("the file has no entries; add entries or delete "
                                                    "the file")), "entries")


def check_entry_keys(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        yield from unknown_keys(e.doc, e.at, e.data, ENTRY_KEYS, say(N_("in {entry}"), entry=e.label))


def topic_problem(value: Any, where: Message, topics: Sequence[str] | None) -> Message | None:
    if not isinstance(value, str):
        example = topics[0] if topics else "tax"
        return say(N_("the topic {where} must be one topic id, e.g. topic: {example}, not {kind}"),
                   where=where, example=example, kind=kind(value))
    if topics is not None and value not in topics:
        hint = did_you_mean(value, topics, say(N_("use one of: {topics}, or add it to topics in "
                                                  "region.yaml"), topics=", ".join(topics)))
        return say(N_("topic '{topic}' {where} is not a topic of region.yaml; {hint}"),
                   topic=shown(value), where=where, hint=hint)
    return None


def check_topics(ctx: Context) -> Iterable[Finding]:
    """Every entry has a topic, from itself or its file, and the topic is known."""
    for doc in ctx.faq_docs:
        if isinstance(doc.data, dict) and doc.data.get("topic") is not None:
            if problem := topic_problem(doc.data["topic"], say(N_("at the top of the file")),
                                         ctx.topics):
                yield doc.finding(Level.ERROR, problem, "topic")
    for e in ctx.entries:
        topic = e.data.get("topic")
        if topic is not None:
            if problem := topic_problem(topic, say(N_("of {entry}"), entry=e.label), ctx.topics):
                yield e.finding(Level.ERROR, problem, "topic")
        elif isinstance(e.doc.data, dict) and e.doc.data.get("topic") is None:
            yield e.finding(Level.ERROR, say(N_("{entry} has no topic; add 'topic: …' at the top of "
                                                "the file or to the entry"), entry=e.label))


def check_entry_ids(ctx: Context) -> Iterable[Finding]:
    """Ids are well formed and unique within their scope (across the scope's files)."""
    first: dict[tuple[str, str], RawEntry] = {}
    for e in ctx.entries:
        if e.id is None:
            continue  # reported by the loader
        if problem := id_problem(say(N_("entry id")), e.id):
            yield e.finding(Level.ERROR, problem, "id")
        earlier = first.setdefault((e.scope, e.id), e)
        if earlier is not e:
            yield e.finding(Level.ERROR, say(N_(
                "entry id '{id}' is already used by the entry at {place}; ids must be unique within "
                "faq/{scope}/: rename one of them"), id=e.id,
                place=f"{earlier.doc.name}:{earlier.line('id')}", scope=e.scope), "id")


def language_problem(lang: str, languages: Sequence[str] | None) -> Message | None:
    if languages is None or lang in languages:
        return None
    hint = did_you_mean(lang, languages, say(N_("use one of them or add the language to region.yaml")))
    return say(N_("'{lang}', which is not a language of region.yaml ({languages}); {hint}"),
               lang=shown(lang), languages=language_list(languages), hint=hint)


def check_questions(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        questions = e.data.get("questions")
        if questions is None or questions == {}:
            yield e.finding(Level.ERROR, say(N_("{entry} has no questions; add 'questions:' with a "
                                                "list of ways people ask, per language"),
                                             entry=e.label), "questions", key=True)
            continue
        if not isinstance(questions, dict):
            yield e.finding(Level.ERROR, say(N_(
                "the questions of {entry} must be a mapping of language to a list of questions "
                "(nb: [...]), not {kind}"), entry=e.label, kind=kind(questions)), "questions")
            continue
        for lang, variants in questions.items():
            at = ("questions", lang)
            if problem := language_problem(lang, ctx.languages):
                yield e.finding(Level.ERROR, say(N_("{entry} has questions in {problem}"),
                                                 entry=e.label, problem=problem), *at, key=True)
            if variants is None or variants == []:
                yield e.finding(Level.ERROR, say(N_("{entry} has no questions under '{lang}'; write "
                                                    "at least one question or remove the line"),
                                                 entry=e.label, lang=lang), *at, key=True)
            elif isinstance(variants, str):
                yield from question_findings(e, lang, variants, at)
            elif isinstance(variants, list):
                for j, variant in enumerate(variants):
                    yield from question_findings(e, lang, variant, (*at, j), number=j + 1)
            else:
                yield e.finding(Level.ERROR, say(N_("the questions of {entry} in '{lang}' must be a "
                                                    "list of texts, not {kind}"), entry=e.label,
                                                 lang=lang, kind=kind(variants)), *at)
        for lang in ctx.languages or ():
            if lang not in questions:
                yield e.finding(Level.WARNING, say(N_(
                    "{entry} has no questions in '{lang}'; questions asked in '{lang}' may not find "
                    "it; add questions.{lang}"), entry=e.label, lang=lang), "questions")


def question_findings(e: RawEntry, lang: str, question: Any, at: KeyPath,
                      number: int = 1) -> Iterator[Finding]:
    if question is None or (isinstance(question, str) and not question.strip()):
        yield e.finding(Level.ERROR, say(N_("question number {number} of {entry} in '{lang}' is "
                                            "empty; write the question or remove the line"),
                                         number=number, entry=e.label, lang=lang), *at)
    elif not is_text(question):
        hint = (say(N_("; put quotes around a question that contains ': '"))
                if isinstance(question, dict) else "")
        yield e.finding(Level.ERROR, say(N_("question number {number} of {entry} in '{lang}' must be "
                                            "a text, not {kind}{hint}"), number=number,
                                         entry=e.label, lang=lang, kind=kind(question), hint=hint), *at)
    elif not normalize(str(question)):
        yield e.finding(Level.WARNING, say(N_("question '{question}' of {entry} has no letters or "
                                              "digits; the matcher cannot use it: reword it or remove "
                                              "it"), question=shown(question), entry=e.label), *at)


def check_answers(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        answer = e.data.get("answer")
        if answer is None or answer == {}:
            yield e.finding(Level.ERROR, say(N_("{entry} has no answer; add 'answer:' with the "
                                                "answer text per language"), entry=e.label),
                            "answer", key=True)
            continue
        if is_text(answer):  # one text for every language
            if not str(answer).strip():
                yield e.finding(Level.ERROR, say(N_("{entry} has an empty answer; write the answer"),
                                                 entry=e.label), "answer")
            continue
        if not isinstance(answer, dict):
            yield e.finding(Level.ERROR, say(N_(
                "the answer of {entry} is {kind}, not plain text; write one text per language, e.g. "
                "nb: | and the text below it"), entry=e.label, kind=kind(answer)), "answer")
            continue
        for lang, text in answer.items():
            at = ("answer", lang)
            if problem := language_problem(lang, ctx.languages):
                yield e.finding(Level.ERROR, say(N_("{entry} has an answer in {problem}"),
                                                 entry=e.label, problem=problem), *at, key=True)
            if text is None or (isinstance(text, str) and not text.strip()):
                yield e.finding(Level.ERROR, say(N_("{entry} has an empty answer in '{lang}'; write "
                                                    "the answer or remove the line"),
                                                 entry=e.label, lang=lang), *at, key=True)
            elif not is_text(text):
                yield e.finding(Level.ERROR, say(N_(
                    "the answer of {entry} in '{lang}' is {kind}, not plain text; write it as one "
                    "text (start it with | to keep several lines)"), entry=e.label, lang=lang,
                    kind=kind(text)), *at)
        if ctx.languages:
            fallback = ctx.languages[0]
            for lang in ctx.languages:
                if lang in answer:
                    continue
                if lang == fallback:
                    message = say(N_("{entry} has no answer in the fallback language '{fallback}'; "
                                     "add answer.{fallback}"), entry=e.label, fallback=fallback)
                else:
                    message = say(N_("{entry} has no answer in '{lang}'; the program will answer in "
                                     "the fallback language '{fallback}'; add answer.{lang}"),
                                  entry=e.label, lang=lang, fallback=fallback)
                yield e.finding(Level.WARNING, message, "answer")


def check_links(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        links = e.data.get("links")
        if links is None:
            continue
        if not isinstance(links, list):
            yield e.finding(Level.ERROR, say(N_(
                "the links of {entry} must be a list, not {kind}; write each link on its own line "
                "starting with '- '"), entry=e.label, kind=kind(links)), "links")
            continue
        for j, link in enumerate(links):
            if is_web_address(link):
                continue
            what = (say(N_("link '{link}'"), link=shown(link)) if is_text(link)
                    else say(N_("link number {number}"), number=j + 1))
            yield e.finding(Level.ERROR, say(N_("{what} of {entry} is not a web address; {fix}"),
                                             what=what, entry=e.label, fix=web_address_fix(link)),
                            "links", j)


def check_reviewed(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        value = e.data.get("reviewed")
        if value is None:
            continue
        day = parse_date(value)
        if day is None:
            yield e.finding(Level.ERROR, say(N_("reviewed '{value}' of {entry} is not a date; write "
                                                "it as YYYY-MM-DD, e.g. 2025-03-31"),
                                             value=shown(value), entry=e.label), "reviewed")
        elif day > ctx.today:
            yield e.finding(Level.WARNING, say(N_("{entry} was reviewed on {date}, which is in the "
                                                  "future; write the date the answer was last "
                                                  "checked"), entry=e.label, date=day.isoformat()),
                            "reviewed")
        elif day < ctx.today - REVIEW_MAX_AGE:
            yield e.finding(Level.WARNING, say(N_("{entry} was last reviewed on {date}, more than 12 "
                                                  "months ago; check the answer and update reviewed"),
                                               entry=e.label, date=day.isoformat()), "reviewed")


# --------------------------------------------------------------------------- checker: overlap


def check_web(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        value = e.data.get("web")
        if value is not None and not isinstance(value, bool):
            yield e.finding(Level.ERROR, say(N_(
                "web '{value}' of {entry} is neither true nor false; write 'web: false' to leave the "
                "entry off the website, or remove the line"), value=shown(value), entry=e.label),
                "web")
