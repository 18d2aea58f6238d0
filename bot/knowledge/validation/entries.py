"""Checkers of the FAQ files and their entries: scopes, keys, topics, ids, texts, links, dates."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from bot.knowledge.documents import KeyPath
from bot.knowledge.findings import Finding, Level
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
            hint = (f"did you mean faq/{close}/?" if close
                    else "rename the folder or add the municipality to region.yaml")
            # A problem of the file's place, not of a value in it: the file's first line.
            yield Finding(doc.name, 1, 1, Level.ERROR,
                          f"the folder faq/{scope}/ is neither 'common' nor a municipality id of "
                          f"region.yaml ({', '.join(known)}); {hint}")


def check_faq_file_keys(ctx: Context) -> Iterable[Finding]:
    for doc in ctx.faq_docs:
        if not isinstance(doc.data, dict):
            continue  # reported by the loader
        yield from unknown_keys(doc, (), doc.data, FILE_KEYS, "at the top of the file")
        if doc.data.get("entries") == []:
            yield doc.finding(Level.WARNING, "the file has no entries; add entries or delete the file",
                              "entries")


def check_entry_keys(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        yield from unknown_keys(e.doc, e.at, e.data, ENTRY_KEYS, f"in {e.label}")


def topic_problem(value: Any, where: str, topics: Sequence[str] | None) -> str | None:
    if not isinstance(value, str):
        example = topics[0] if topics else "tax"
        return f"the topic {where} must be one topic id, e.g. topic: {example}, not {kind(value)}"
    if topics is not None and value not in topics:
        hint = did_you_mean(value, topics, f"use one of: {', '.join(topics)}, "
                                           "or add it to topics in region.yaml")
        return f"topic '{shown(value)}' {where} is not a topic of region.yaml; {hint}"
    return None


def check_topics(ctx: Context) -> Iterable[Finding]:
    """Every entry has a topic, from itself or its file, and the topic is known."""
    for doc in ctx.faq_docs:
        if isinstance(doc.data, dict) and doc.data.get("topic") is not None:
            if problem := topic_problem(doc.data["topic"], "at the top of the file", ctx.topics):
                yield doc.finding(Level.ERROR, problem, "topic")
    for e in ctx.entries:
        topic = e.data.get("topic")
        if topic is not None:
            if problem := topic_problem(topic, f"of {e.label}", ctx.topics):
                yield e.finding(Level.ERROR, problem, "topic")
        elif isinstance(e.doc.data, dict) and e.doc.data.get("topic") is None:
            yield e.finding(Level.ERROR, f"{e.label} has no topic; add 'topic: …' at the top of "
                            "the file or to the entry")


def check_entry_ids(ctx: Context) -> Iterable[Finding]:
    """Ids are well formed and unique within their scope (across the scope's files)."""
    first: dict[tuple[str, str], RawEntry] = {}
    for e in ctx.entries:
        if e.id is None:
            continue  # reported by the loader
        if problem := id_problem("entry id", e.id):
            yield e.finding(Level.ERROR, problem, "id")
        earlier = first.setdefault((e.scope, e.id), e)
        if earlier is not e:
            yield e.finding(Level.ERROR, f"entry id '{e.id}' is already used by the entry at "
                            f"{earlier.doc.name}:{earlier.line('id')}; ids must be unique within "
                            f"faq/{e.scope}/: rename one of them", "id")


def language_problem(lang: str, languages: Sequence[str] | None) -> str | None:
    if languages is None or lang in languages:
        return None
    hint = did_you_mean(lang, languages, "use one of them or add the language to region.yaml")
    return f"'{shown(lang)}', which is not a language of region.yaml ({language_list(languages)}); {hint}"


def check_questions(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        questions = e.data.get("questions")
        if questions is None or questions == {}:
            yield e.finding(Level.ERROR, f"{e.label} has no questions; add 'questions:' with a list of "
                            "ways people ask, per language", "questions", key=True)
            continue
        if not isinstance(questions, dict):
            yield e.finding(Level.ERROR, f"the questions of {e.label} must be a mapping of language "
                            f"to a list of questions (nb: [...]), not {kind(questions)}", "questions")
            continue
        for lang, variants in questions.items():
            at = ("questions", lang)
            if problem := language_problem(lang, ctx.languages):
                yield e.finding(Level.ERROR, f"{e.label} has questions in {problem}", *at, key=True)
            if variants is None or variants == []:
                yield e.finding(Level.ERROR, f"{e.label} has no questions under '{lang}'; write at "
                                "least one question or remove the line", *at, key=True)
            elif isinstance(variants, str):
                yield from question_findings(e, lang, variants, at)
            elif isinstance(variants, list):
                for j, variant in enumerate(variants):
                    yield from question_findings(e, lang, variant, (*at, j), number=j + 1)
            else:
                yield e.finding(Level.ERROR, f"the questions of {e.label} in '{lang}' must be a list "
                                f"of texts, not {kind(variants)}", *at)
        for lang in ctx.languages or ():
            if lang not in questions:
                yield e.finding(Level.WARNING, f"{e.label} has no questions in '{lang}'; questions "
                                f"asked in '{lang}' may not find it; add questions.{lang}", "questions")


def question_findings(e: RawEntry, lang: str, question: Any, at: KeyPath,
                      number: int = 1) -> Iterator[Finding]:
    if question is None or (isinstance(question, str) and not question.strip()):
        yield e.finding(Level.ERROR, f"question number {number} of {e.label} in '{lang}' is empty; "
                        "write the question or remove the line", *at)
    elif not is_text(question):
        hint = "; put quotes around a question that contains ': '" if isinstance(question, dict) else ""
        yield e.finding(Level.ERROR, f"question number {number} of {e.label} in '{lang}' must be a "
                        f"text, not {kind(question)}{hint}", *at)
    elif not normalize(str(question)):
        yield e.finding(Level.WARNING, f"question '{shown(question)}' of {e.label} has no letters or "
                        "digits; the matcher cannot use it: reword it or remove it", *at)


def check_answers(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        answer = e.data.get("answer")
        if answer is None or answer == {}:
            yield e.finding(Level.ERROR, f"{e.label} has no answer; add 'answer:' with the answer "
                            "text per language", "answer", key=True)
            continue
        if is_text(answer):  # one text for every language
            if not str(answer).strip():
                yield e.finding(Level.ERROR, f"{e.label} has an empty answer; write the answer",
                                "answer")
            continue
        if not isinstance(answer, dict):
            yield e.finding(Level.ERROR, f"the answer of {e.label} is {kind(answer)}, not plain text; "
                            "write one text per language, e.g. nb: | and the text below it", "answer")
            continue
        for lang, text in answer.items():
            at = ("answer", lang)
            if problem := language_problem(lang, ctx.languages):
                yield e.finding(Level.ERROR, f"{e.label} has an answer in {problem}", *at, key=True)
            if text is None or (isinstance(text, str) and not text.strip()):
                yield e.finding(Level.ERROR, f"{e.label} has an empty answer in '{lang}'; write the "
                                "answer or remove the line", *at, key=True)
            elif not is_text(text):
                yield e.finding(Level.ERROR, f"the answer of {e.label} in '{lang}' is {kind(text)}, not "
                                "plain text; write it as one text (start it with | to keep several "
                                "lines)", *at)
        if ctx.languages:
            fallback = ctx.languages[0]
            for lang in ctx.languages:
                if lang in answer:
                    continue
                if lang == fallback:
                    message = (f"{e.label} has no answer in the fallback language '{fallback}'; "
                               f"add answer.{fallback}")
                else:
                    message = (f"{e.label} has no answer in '{lang}'; the program will answer in the "
                               f"fallback language '{fallback}'; add answer.{lang}")
                yield e.finding(Level.WARNING, message, "answer")


def check_links(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        links = e.data.get("links")
        if links is None:
            continue
        if not isinstance(links, list):
            yield e.finding(Level.ERROR, f"the links of {e.label} must be a list, not {kind(links)}; "
                            "write each link on its own line starting with '- '", "links")
            continue
        for j, link in enumerate(links):
            if is_web_address(link):
                continue
            what = f"link '{shown(link)}'" if is_text(link) else f"link number {j + 1}"
            yield e.finding(Level.ERROR, f"{what} of {e.label} is not a web address; "
                            f"{web_address_fix(link)}", "links", j)


def check_reviewed(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        value = e.data.get("reviewed")
        if value is None:
            continue
        day = parse_date(value)
        if day is None:
            yield e.finding(Level.ERROR, f"reviewed '{shown(value)}' of {e.label} is not a date; "
                            "write it as YYYY-MM-DD, e.g. 2025-03-31", "reviewed")
        elif day > ctx.today:
            yield e.finding(Level.WARNING, f"{e.label} was reviewed on {day.isoformat()}, which is in "
                            "the future; write the date the answer was last checked", "reviewed")
        elif day < ctx.today - REVIEW_MAX_AGE:
            yield e.finding(Level.WARNING, f"{e.label} was last reviewed on {day.isoformat()}, more "
                            "than 12 months ago; check the answer and update reviewed", "reviewed")


# --------------------------------------------------------------------------- checker: overlap


def check_web(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        value = e.data.get("web")
        if value is not None and not isinstance(value, bool):
            yield e.finding(Level.ERROR, f"web '{shown(value)}' of {e.label} is neither true nor "
                            "false; write 'web: false' to leave the entry off the website, or "
                            "remove the line", "web")
