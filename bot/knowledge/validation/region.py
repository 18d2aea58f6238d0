"""Checkers of region.yaml: keys, ids, names, municipalities and their web sites."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from bot.knowledge.documents import Document, KeyPath
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, Message, say
from bot.knowledge.model import COMMON, Region
from bot.knowledge.reading import build_entries
from bot.knowledge.validation.context import (REGION_KEYS, MUNICIPALITY_KEYS, Context,
                                              did_you_mean, is_text, kind, shown, id_problem,
                                              is_web_address, web_address_fix, language_list,
                                              unknown_keys, municipality_label, municipalities)
from bot.text import normalize


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
    yield from unknown_keys(doc, (), data, REGION_KEYS, say(N_("in region.yaml")))
    for i, m in municipalities(ctx):
        yield from unknown_keys(doc, ("municipalities", i), m, MUNICIPALITY_KEYS,
                                say(N_("in {municipality}"),
                                    municipality=municipality_label(m, i)))


def check_region_ids(ctx: Context) -> Iterable[Finding]:
    doc, data = ctx.region_doc, ctx.region_data
    if data is None:
        return
    region_id = data.get("id")
    if region_id is None:
        yield doc.finding(Level.WARNING, say(N_("region.yaml has no id; add one, e.g. id: midt-troms")))
    elif not isinstance(region_id, str):
        yield doc.finding(Level.ERROR, say(N_("the region id must be a word, not {kind}; write it "
                                              "as e.g. id: midt-troms"), kind=kind(region_id)), "id")
    elif problem := id_problem(say(N_("region id")), region_id):
        yield doc.finding(Level.ERROR, problem, "id")

    languages = data.get("languages")
    if isinstance(languages, list):
        seen: set[str] = set()
        for j, lang in enumerate(languages):
            if not isinstance(lang, str):
                continue  # reported by the loader
            if lang in seen:
                yield doc.finding(Level.ERROR, say(N_("language '{lang}' is listed twice in "
                                                      "languages; remove one of them"), lang=lang),
                                  "languages", j)
            seen.add(lang)

    topics = data.get("topics")
    if isinstance(topics, dict):
        for topic_id in topics:
            if problem := id_problem(say(N_("topic id")), topic_id):
                yield doc.finding(Level.ERROR, problem, "topics", topic_id, key=True)

    first_at: dict[str, int] = {}
    for i, m in municipalities(ctx):
        mid = m.get("id")
        if not isinstance(mid, str):
            continue  # reported by the loader
        at = ("municipalities", i, "id")
        if mid == COMMON:
            yield doc.finding(Level.ERROR, say(N_("municipality id 'common' is taken by faq/common/, "
                                                  "the entries for every municipality; choose "
                                                  "another id")), *at)
        elif problem := id_problem(say(N_("municipality id")), mid):
            yield doc.finding(Level.ERROR, problem, *at)
        if mid in first_at:
            yield doc.finding(Level.ERROR, say(N_("municipality id '{id}' is already used at "
                                                  "region.yaml:{line}; give each municipality its "
                                                  "own id"), id=mid, line=first_at[mid]), *at)
        else:
            first_at[mid] = doc.where(*at)[0]


def name_findings(doc: Document, path: KeyPath, owner: Message, value: Any,
                  languages: Sequence[str]) -> Iterator[Finding]:
    """Findings for a translated name: a text, or {lang: text} for the region's languages."""
    example = "{" + ", ".join(f"{lang}: …" for lang in languages) + "}"
    if value is None:
        yield doc.finding(Level.WARNING, say(N_("{owner} has no name; add one: a text, or {example}"),
                                             owner=owner, example=example), *path, key=True)
        return
    if is_text(value):
        if not str(value).strip():
            yield doc.finding(Level.WARNING, say(N_("{owner} has an empty name; write the name"),
                                                 owner=owner), *path)
        return
    if not isinstance(value, dict):
        yield doc.finding(Level.ERROR, say(N_("the name of {owner} must be a text or {example}, not "
                                              "{kind}"), owner=owner, example=example,
                                           kind=kind(value)), *path)
        return
    for lang, text in value.items():
        if lang not in languages and text is None:
            # {nb: Opphold, ID og folkeregister} reads "ID og folkeregister" as a key
            yield doc.finding(Level.ERROR, say(N_(
                "the name of {owner} has a comma inside {{ … }}, so '{lang}' was read as a language; "
                "put the text in quotes: nb: \"…, …\""), owner=owner, lang=shown(lang)),
                *path, lang, key=True)
        elif lang not in languages:
            hint = did_you_mean(lang, languages, say(N_("remove it or add the language to "
                                                        "languages")))
            yield doc.finding(Level.ERROR, say(N_(
                "the name of {owner} has a text in '{lang}', which is not a language of region.yaml "
                "({languages}); {hint}"), owner=owner, lang=shown(lang),
                languages=language_list(languages), hint=hint), *path, lang, key=True)
        elif text is not None and not is_text(text):
            yield doc.finding(Level.ERROR, say(N_("the name of {owner} in '{lang}' must be a text, "
                                                  "not {kind}"), owner=owner, lang=lang,
                                               kind=kind(text)), *path, lang)
    for lang in languages:
        text = value.get(lang)
        if text is None or (is_text(text) and not str(text).strip()):
            yield doc.finding(Level.WARNING, say(N_("{owner} has no name in '{lang}'; add {lang}: … "
                                                    "to its name"), owner=owner, lang=lang), *path)


def check_region_names(ctx: Context) -> Iterable[Finding]:
    """Every name is given in every language, or once for all languages."""
    doc, data, languages = ctx.region_doc, ctx.region_data, ctx.languages
    if data is None or languages is None:
        return
    yield from name_findings(doc, ("name",), say(N_("the region")), data.get("name"),
                             languages)
    topics = data.get("topics")
    if isinstance(topics, dict):
        for topic_id, name in topics.items():
            yield from name_findings(doc, ("topics", topic_id),
                                     say(N_("topic '{topic}'"), topic=topic_id), name, languages)
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
                    yield doc.finding(Level.ERROR, say(N_("alias number {number} of {municipality} "
                                                          "must be a name, not {kind}"), number=k + 1,
                                                       municipality=label, kind=kind(alias)), *at)
                elif not str(alias).strip():
                    yield doc.finding(Level.ERROR, say(N_("alias number {number} of {municipality} "
                                                          "is empty; write a name or remove it"),
                                                       number=k + 1, municipality=label), *at)
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
                yield doc.finding(Level.ERROR, say(N_(
                    "the name '{name}' of {municipality} is also a name of {other} (region.yaml:{line}); "
                    "a name can point to one municipality only: remove it from one of them"),
                    name=shown(text), municipality=label, other=other, line=line), *at)
            else:
                owner_of[key] = (label, doc.where(*at)[0])


def check_municipality_websites(ctx: Context) -> Iterable[Finding]:
    for i, m in municipalities(ctx):
        website = m.get("website")
        if website is not None and not is_web_address(website):
            yield ctx.region_doc.finding(
                Level.ERROR, say(N_("the website '{website}' of {municipality} is not a web address; "
                                    "{fix}"), website=shown(website),
                                 municipality=municipality_label(m, i), fix=web_address_fix(website)),
                "municipalities", i, "website")


# --------------------------------------------------------------------------- checkers: faq files
