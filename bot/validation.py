"""Checkers for a knowledge folder (docs: knowledge-format.md).

Validation is a list of checker functions, Babel-style: each takes a `Context`
and yields `Finding`s; every checker runs and all findings are reported
together. A finding says where (the real YAML line and column) and how to fix
it. Checkers read the raw YAML documents, not only the built model, because the
loader quietly skips what it cannot use; they must therefore expect any type
anywhere and never raise on content.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.findings import Finding, Level
from bot.knowledge import (
    COMMON,
    ID_PATTERN,
    Document,
    KeyPath,
    Parsed,
    Region,
    build_entries,
    parse_date,
    parse_folder,
)
from bot.text import fold, normalize

REGION_KEYS = ("id", "name", "languages", "topics", "municipalities")
MUNICIPALITY_KEYS = ("id", "name", "aliases", "website")
FILE_KEYS = ("topic", "entries")
ENTRY_KEYS = ("id", "topic", "questions", "answer", "links", "reviewed", "web")

# Scores are rapidfuzz fuzz.ratio values, 0–100.
SAME_QUESTION_SCORE = 92  # two normalised questions from here up cannot be told apart
SUGGESTION_SCORE = 65  # an unknown word this close to a known one gets "did you mean"
REVIEW_MAX_AGE = dt.timedelta(days=365)

# Rows of questions compared at once: bounds the score matrix to rows × all questions.
_CDIST_ROWS = 1024
# Path of the finding that reports a bug in a checker (never a content problem).
INTERNAL = "<validator>"


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class RawEntry:
    """One entry mapping as written in a faq file, with where it sits."""

    doc: Document
    index: int
    data: dict
    scope: str

    @property
    def at(self) -> KeyPath:
        return ("entries", self.index)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def label(self) -> str:
        return f"entry '{self.id}'" if self.id else f"entry number {self.index + 1}"

    def finding(self, level: Level, message: str, *path: Any, key: bool = False) -> Finding:
        return self.doc.finding(level, message, *self.at, *path, key=key)

    def line(self, *path: Any) -> int:
        return self.doc.where(*self.at, *path)[0]


@dataclass(frozen=True)
class Context:
    """What the checkers look at; region facts are None when region.yaml cannot tell them."""

    parsed: Parsed
    today: dt.date
    region_data: dict | None
    languages: tuple[str, ...] | None
    topics: tuple[str, ...] | None
    municipality_ids: tuple[str, ...] | None
    entries: tuple[RawEntry, ...]

    @property
    def region_doc(self) -> Document | None:
        return self.parsed.region_doc

    @property
    def faq_docs(self) -> tuple[Document, ...]:
        return self.parsed.faq_docs


def scope_of(doc: Document) -> str:
    return doc.path.parent.name


def make_context(parsed: Parsed, today: dt.date) -> Context:
    region_doc = parsed.region_doc
    region_data = region_doc.data if region_doc is not None and isinstance(region_doc.data, dict) else None
    languages = parsed.knowledge.region.languages if parsed.knowledge is not None else None
    topics = municipality_ids = None
    if region_data is not None:
        if isinstance(region_data.get("topics"), dict):
            topics = tuple(region_data["topics"])
        if isinstance(region_data.get("municipalities"), list):
            municipality_ids = tuple(m["id"] for m in region_data["municipalities"]
                                     if isinstance(m, dict) and isinstance(m.get("id"), str))
    entries = []
    for doc in parsed.faq_docs:
        raw_entries = doc.data.get("entries") if isinstance(doc.data, dict) else None
        if isinstance(raw_entries, list):
            entries.extend(RawEntry(doc, i, raw, scope_of(doc))
                           for i, raw in enumerate(raw_entries) if isinstance(raw, dict))
    return Context(parsed, today, region_data, languages, topics, municipality_ids, tuple(entries))


# --------------------------------------------------------------------------- helpers


def suggestion(word: Any, choices: Sequence[str]) -> str | None:
    """The known word closest to `word`, if it is close enough to be a typo."""
    if not isinstance(word, str) or not choices:
        return None
    best = process.extractOne(word, list(choices), scorer=fuzz.ratio,
                              processor=utils.default_process, score_cutoff=SUGGESTION_SCORE)
    return best[0] if best else None


def did_you_mean(word: Any, choices: Sequence[str], otherwise: str) -> str:
    close = suggestion(word, choices)
    return f"did you mean '{close}'?" if close else otherwise


def is_text(value: Any) -> bool:
    """A scalar the loader accepts as text (numbers too, as in `translated`)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a text"
    return "not text"


def shown(value: Any, limit: int = 80) -> str:
    """A value as it can be quoted in a one-line message."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def id_problem(what: str, value: str) -> str | None:
    """The message for an id that breaks ID_PATTERN, or None."""
    if ID_PATTERN.match(value):
        return None
    fixed = slug(value)
    fix = f"write it as '{fixed}'" if fixed else "use e.g. 'tax-card'"
    return f"{what} '{shown(value)}' may only hold lowercase letters, digits and '-'; {fix}"


def is_web_address(value: Any) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. a bad port or a broken IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host.strip(".")


def web_address_fix(value: Any) -> str:
    if isinstance(value, str) and not re.search(r"[:@]", value) and is_web_address("https://" + value):
        return f"write it as https://{value}"
    return "write it as https://…"


def language_list(languages: Sequence[str]) -> str:
    return ", ".join(languages)


def unknown_keys(doc: Document, path: KeyPath, data: dict, allowed: Sequence[str],
                 where: str) -> Iterator[Finding]:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed, f"remove it or use one of: {', '.join(allowed)}")
            yield doc.finding(Level.ERROR, f"unknown key '{shown(key)}' {where}; {hint}",
                              *path, key, key=True)


def municipality_label(m: dict, index: int) -> str:
    mid = m.get("id")
    return f"municipality '{mid}'" if isinstance(mid, str) and mid else f"municipality number {index + 1}"


def municipalities(ctx: Context) -> Iterator[tuple[int, dict]]:
    raw = ctx.region_data.get("municipalities") if ctx.region_data else None
    if isinstance(raw, list):
        for i, m in enumerate(raw):
            if isinstance(m, dict):
                yield i, m


# --------------------------------------------------------------------------- checkers: region


def check_parser_findings(ctx: Context) -> Iterable[Finding]:
    """YAML syntax, duplicate keys, encodings and structure found while loading."""
    return ctx.parsed.findings


def check_faq_structure_without_region(ctx: Context) -> Iterable[Finding]:
    """The loader only reads faq files once the region loads; check their structure anyway."""
    if ctx.parsed.knowledge is not None:
        return
    placeholder = Region(id="", name={}, languages=ctx.languages or ("nb",), topics={},
                         municipalities=())
    for doc in ctx.faq_docs:
        findings: list[Finding] = []
        build_entries(doc, placeholder, findings)
        yield from findings


def check_region_keys(ctx: Context) -> Iterable[Finding]:
    doc, data = ctx.region_doc, ctx.region_data
    if data is None:
        return
    yield from unknown_keys(doc, (), data, REGION_KEYS, "in region.yaml")
    for i, m in municipalities(ctx):
        yield from unknown_keys(doc, ("municipalities", i), m, MUNICIPALITY_KEYS,
                                f"in {municipality_label(m, i)}")


def check_region_ids(ctx: Context) -> Iterable[Finding]:
    doc, data = ctx.region_doc, ctx.region_data
    if data is None:
        return
    region_id = data.get("id")
    if region_id is None:
        yield doc.finding(Level.WARNING, "region.yaml has no id; add one, e.g. id: midt-troms")
    elif not isinstance(region_id, str):
        yield doc.finding(Level.ERROR, f"the region id must be a word, not {kind(region_id)}; "
                          "write it as e.g. id: midt-troms", "id")
    elif problem := id_problem("region id", region_id):
        yield doc.finding(Level.ERROR, problem, "id")

    languages = data.get("languages")
    if isinstance(languages, list):
        seen: set[str] = set()
        for j, lang in enumerate(languages):
            if not isinstance(lang, str):
                continue  # reported by the loader
            if lang in seen:
                yield doc.finding(Level.ERROR, f"language '{lang}' is listed twice in languages; "
                                  "remove one of them", "languages", j)
            seen.add(lang)

    topics = data.get("topics")
    if isinstance(topics, dict):
        for topic_id in topics:
            if problem := id_problem("topic id", topic_id):
                yield doc.finding(Level.ERROR, problem, "topics", topic_id, key=True)

    first_at: dict[str, int] = {}
    for i, m in municipalities(ctx):
        mid = m.get("id")
        if not isinstance(mid, str):
            continue  # reported by the loader
        at = ("municipalities", i, "id")
        if mid == COMMON:
            yield doc.finding(Level.ERROR, "municipality id 'common' is taken by faq/common/, "
                              "the entries for every municipality; choose another id", *at)
        elif problem := id_problem("municipality id", mid):
            yield doc.finding(Level.ERROR, problem, *at)
        if mid in first_at:
            yield doc.finding(Level.ERROR, f"municipality id '{mid}' is already used at "
                              f"region.yaml:{first_at[mid]}; give each municipality its own id", *at)
        else:
            first_at[mid] = doc.where(*at)[0]


def name_findings(doc: Document, path: KeyPath, owner: str, value: Any,
                  languages: Sequence[str]) -> Iterator[Finding]:
    """Findings for a translated name: a text, or {lang: text} for the region's languages."""
    example = "{" + ", ".join(f"{lang}: …" for lang in languages) + "}"
    if value is None:
        yield doc.finding(Level.WARNING, f"{owner} has no name; add one: a text, or {example}",
                          *path, key=True)
        return
    if is_text(value):
        if not str(value).strip():
            yield doc.finding(Level.WARNING, f"{owner} has an empty name; write the name", *path)
        return
    if not isinstance(value, dict):
        yield doc.finding(Level.ERROR, f"the name of {owner} must be a text or {example}, "
                          f"not {kind(value)}", *path)
        return
    for lang, text in value.items():
        if lang not in languages and text is None:
            # {nb: Opphold, ID og folkeregister} reads "ID og folkeregister" as a key
            yield doc.finding(Level.ERROR, f"the name of {owner} has a comma inside {{ … }}, so "
                              f"'{shown(lang)}' was read as a language; put the text in quotes: "
                              "nb: \"…, …\"", *path, lang, key=True)
        elif lang not in languages:
            hint = did_you_mean(lang, languages, "remove it or add the language to languages")
            yield doc.finding(Level.ERROR, f"the name of {owner} has a text in '{shown(lang)}', which "
                              f"is not a language of region.yaml ({language_list(languages)}); {hint}",
                              *path, lang, key=True)
        elif text is not None and not is_text(text):
            yield doc.finding(Level.ERROR, f"the name of {owner} in '{lang}' must be a text, "
                              f"not {kind(text)}", *path, lang)
    for lang in languages:
        text = value.get(lang)
        if text is None or (is_text(text) and not str(text).strip()):
            yield doc.finding(Level.WARNING, f"{owner} has no name in '{lang}'; "
                              f"add {lang}: … to its name", *path)


def check_region_names(ctx: Context) -> Iterable[Finding]:
    """Every name is given in every language, or once for all languages."""
    doc, data, languages = ctx.region_doc, ctx.region_data, ctx.languages
    if data is None or languages is None:
        return
    yield from name_findings(doc, ("name",), "the region", data.get("name"), languages)
    topics = data.get("topics")
    if isinstance(topics, dict):
        for topic_id, name in topics.items():
            yield from name_findings(doc, ("topics", topic_id), f"topic '{topic_id}'", name, languages)
    for i, m in municipalities(ctx):
        yield from name_findings(doc, ("municipalities", i, "name"), municipality_label(m, i),
                                 m.get("name"), languages)


def check_municipality_names(ctx: Context) -> Iterable[Finding]:
    """Aliases are names, and no name or alias points to two municipalities."""
    doc = ctx.region_doc
    owner_of: dict[str, tuple[str, int]] = {}  # normalised name -> (municipality, line)
    for i, m in municipalities(ctx):
        label = municipality_label(m, i)
        names: list[tuple[Any, KeyPath]] = []
        name = m.get("name")
        if is_text(name):
            names.append((name, ("name",)))
        elif isinstance(name, dict):
            names.extend((text, ("name", lang)) for lang, text in name.items() if is_text(text))
        aliases = m.get("aliases")
        if isinstance(aliases, list):
            for k, alias in enumerate(aliases):
                at = ("municipalities", i, "aliases", k)
                if not isinstance(alias, (str, int)) or isinstance(alias, bool):
                    yield doc.finding(Level.ERROR, f"alias number {k + 1} of {label} must be a name, "
                                      f"not {kind(alias)}", *at)
                elif not str(alias).strip():
                    yield doc.finding(Level.ERROR, f"alias number {k + 1} of {label} is empty; "
                                      "write a name or remove it", *at)
                else:
                    names.append((alias, ("aliases", k)))
        own: set[str] = set()
        for text, path in names:
            key = normalize(str(text))
            if not key or key in own:
                continue  # the same name twice in one municipality is harmless
            own.add(key)
            at = ("municipalities", i, *path)
            if key in owner_of:
                other, line = owner_of[key]
                yield doc.finding(Level.ERROR, f"the name '{shown(text)}' of {label} is also a name of "
                                  f"{other} (region.yaml:{line}); a name can point to one "
                                  "municipality only: remove it from one of them", *at)
            else:
                owner_of[key] = (label, doc.where(*at)[0])


def check_municipality_websites(ctx: Context) -> Iterable[Finding]:
    for i, m in municipalities(ctx):
        website = m.get("website")
        if website is not None and not is_web_address(website):
            yield ctx.region_doc.finding(
                Level.ERROR, f"the website '{shown(website)}' of {municipality_label(m, i)} is not a "
                f"web address; {web_address_fix(website)}", "municipalities", i, "website")


# --------------------------------------------------------------------------- checkers: faq files


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


def check_web(ctx: Context) -> Iterable[Finding]:
    for e in ctx.entries:
        value = e.data.get("web")
        if value is not None and not isinstance(value, bool):
            yield e.finding(Level.ERROR, f"web '{shown(value)}' of {e.label} is neither true nor "
                            "false; write 'web: false' to leave the entry off the website, or "
                            "remove the line", "web")


# --------------------------------------------------------------------------- checker: overlap


@dataclass(frozen=True)
class Question:
    entry: RawEntry
    lang: str
    text: str
    normalized: str
    at: KeyPath  # inside the entry

    @property
    def entry_key(self) -> tuple:
        e = self.entry
        return (e.scope, e.id) if e.id else (e.scope, e.doc.name, e.index)

    @property
    def position(self) -> tuple[str, int, int]:
        return (self.entry.doc.name, *self.entry.doc.where(*self.entry.at, *self.at))


def questions_of(e: RawEntry) -> Iterator[Question]:
    questions = e.data.get("questions")
    if not isinstance(questions, dict):
        return
    for lang, variants in questions.items():
        items = [(variants, (lang,))] if isinstance(variants, str) else (
            [(v, (lang, j)) for j, v in enumerate(variants)] if isinstance(variants, list) else [])
        for value, at in items:
            if is_text(value) and (normalized := normalize(str(value))):
                yield Question(e, lang, str(value).strip(), normalized, ("questions", *at))


def close_pairs(queries: list[str], choices: list[str]) -> Iterator[tuple[int, int, float]]:
    """(query index, choice index, score) for every pair at or above SAME_QUESTION_SCORE."""
    for start in range(0, len(queries), _CDIST_ROWS):
        scores = process.cdist(queries[start:start + _CDIST_ROWS], choices, scorer=fuzz.ratio,
                               score_cutoff=SAME_QUESTION_SCORE, workers=-1)
        rows, cols = np.nonzero(scores)  # below the cutoff cdist writes 0
        for row, col in zip(rows.tolist(), cols.tolist(), strict=False):
            yield start + row, col, float(scores[row, col])


def overlaps(local: list[Question], visible: list[Question]) -> Iterator[tuple[Question, Question, float]]:
    """(question to change, question it collides with, score) among `local` and against `visible`.

    Pairs inside `local` are reported at the later question; a pair with a
    question of `visible` (another scope's entries, seen together) at the local one.
    """
    for lang in sorted({q.lang for q in local}):
        mine = [q for q in local if q.lang == lang]
        choices = mine + [q for q in visible if q.lang == lang]
        for i, j, score in close_pairs([q.normalized for q in mine], [q.normalized for q in choices]):
            if j < len(mine) and j <= i:
                continue  # each pair inside `local` once
            a, b = mine[i], choices[j]
            if a.entry_key == b.entry_key:
                continue  # variants of one entry may well be close
            if j < len(mine):
                a, b = sorted((a, b), key=lambda q: q.position, reverse=True)
            yield a, b, score


def check_question_overlap(ctx: Context) -> Iterable[Finding]:
    """Near-identical questions of two entries that are visible together in one scope."""
    by_scope: dict[str, list[Question]] = {}
    ids_by_scope: dict[str, set[str]] = {}
    for e in ctx.entries:
        by_scope.setdefault(e.scope, []).extend(questions_of(e))
        if e.id:
            ids_by_scope.setdefault(e.scope, set()).add(e.id)
    common = by_scope.get(COMMON, [])
    found = list(overlaps(common, []))
    for scope, local in by_scope.items():
        if scope != COMMON:
            # A local entry with a common entry's id replaces it here: that pair is fine.
            replaced = ids_by_scope.get(scope, set())
            found.extend(overlaps(local, [q for q in common if q.entry.id not in replaced]))
    best: dict[tuple, tuple[Question, Question, float]] = {}
    for later, earlier, score in found:
        key = later.position
        kept = best.get(key)
        if kept is None or (-score, earlier.position) < (-kept[2], kept[1].position):
            best[key] = (later, earlier, score)
    for later, earlier, _ in best.values():
        yield later.entry.finding(
            Level.WARNING,
            f"question '{shown(later.text)}' of {later.entry.label} is the same as or very close to "
            f"question '{shown(earlier.text)}' of {earlier.entry.label} "
            f"({earlier.entry.doc.name}:{earlier.position[1]}); the matcher cannot tell them apart: "
            "reword one or remove it",
            *later.at)


# --------------------------------------------------------------------------- running


Checker = Callable[[Context], Iterable[Finding]]

CHECKERS: tuple[Checker, ...] = (
    check_parser_findings,
    check_faq_structure_without_region,
    check_region_keys,
    check_region_ids,
    check_region_names,
    check_municipality_names,
    check_municipality_websites,
    check_faq_scopes,
    check_faq_file_keys,
    check_entry_keys,
    check_topics,
    check_entry_ids,
    check_questions,
    check_answers,
    check_links,
    check_reviewed,
    check_web,
    check_question_overlap,
)

# What must hold before the assistant serves a folder: every checker that can find an
# error. The overlap check only warns, and over a large region it is the slowest;
# `vertskap validate` runs it.
SERVING_CHECKERS: tuple[Checker, ...] = tuple(c for c in CHECKERS if c is not check_question_overlap)


def validate_parsed(parsed: Parsed, today: dt.date | None = None,
                    checkers: Sequence[Checker] = CHECKERS) -> list[Finding]:
    """All findings for a parsed folder, sorted by place, each once.

    `today` decides which review dates are old or in the future (default: the real today).
    """
    findings: set[Finding] = set(parsed.findings)
    try:
        ctx = make_context(parsed, today or dt.date.today())
    except Exception as exc:  # a bug here must not hide the loader's findings
        findings.add(internal_error("make_context", exc))
        return sorted(findings)
    for checker in checkers:
        try:
            for finding in checker(ctx):
                findings.add(finding)
        except Exception as exc:  # one broken checker must not stop the others
            findings.add(internal_error(checker.__name__, exc))
    if parsed.knowledge is not None:
        from bot.checklist import read_checklists

        try:
            findings.update(read_checklists(parsed.root, parsed.knowledge)[1])
        except Exception as exc:
            findings.add(internal_error("read_checklists", exc))
    return sorted(findings)


def validate(root, today: dt.date | None = None) -> list[Finding]:
    """All findings for the knowledge folder at `root`."""
    return validate_parsed(parse_folder(root), today)


def internal_error(where: str, exc: Exception) -> Finding:
    return Finding(INTERNAL, 1, 1, Level.ERROR,
                   f"the check {where} stopped with {type(exc).__name__}: {shown(exc)}; this is a "
                   "bug in the program, not in the knowledge files: please report it")
