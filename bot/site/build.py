"""The regional website: static pages from the knowledge folder, searchable with Pagefind.

One page per language for the start, each municipality, each entry it answers
with (its own where it overrides the common one) and its arrival checklist;
stable URLs `/<lang>/<municipality>/<topic>/<entry-id>/`. Every word a reader
reads comes from the knowledge or the catalogs (`bot.site.texts`). Entries
with `web: false` are left out; drafts are never in the knowledge folder.
Links between pages are relative, so the folder works under any path.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

import segno
from babel.dates import format_date, format_skeleton, get_day_names
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from bot.i18n import I18n, babel_locale
from bot.knowledge import COMMON, Entry, Knowledge, text_in
from bot.knowledge.checklist import steps_for
from bot.site.files import index_search, prepare_folder, write_sitemap, write_static
from bot.site.texts import AUDIENCE_KEYS, EMERGENCY_NUMBERS, Texts

CHECKLIST = "checklist"

Spans = Mapping[int, tuple[dt.time, dt.time]]  # weekday (0 = Monday) -> opening, closing


@dataclass(frozen=True)
class SiteOptions:
    base_url: str | None = None  # the public address, for the sitemap and hreflang
    bot_username: str | None = None  # without it, no Telegram links
    office_hours: Mapping[str, Spans] = field(default_factory=dict)  # municipality or 'default'
    search_index: bool = True


@dataclass
class BuildResult:
    pages: int = 0
    entries: int = 0  # entry pages in one language, over all municipalities
    languages: tuple[str, ...] = ()


_URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(text: str) -> Markup:
    """Plain answer text as HTML paragraphs: escaped, web addresses as links."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        parts = []
        last = 0
        for m in _URL.finditer(block):
            url = m.group(0).rstrip(".,;:!?)")
            parts.append(escape(block[last:m.start()]))
            parts.append(Markup('<a href="{0}">{0}</a>').format(url))
            last = m.start() + len(url)
        parts.append(escape(block[last:]))
        paragraphs.append(Markup("<p>{}</p>").format(
            Markup("<br>\n").join(Markup("").join(parts).split("\n"))))
    return Markup("\n").join(paragraphs)


def format_hours(spans: Spans, lang: str) -> str:
    """Opening times in words of `lang`: 'Monday–Friday 08:00–15:30, …'."""
    names = get_day_names("wide", locale=babel_locale(lang))
    groups: list[list] = []  # [first day, last day, span]
    for day in sorted(spans):
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == spans[day]:
            groups[-1][1] = day
        else:
            groups.append([day, day, spans[day]])
    out = []
    for first, last, (start, end) in groups:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        out.append(f"{days} {start:%H:%M}–{end:%H:%M}")
    return ", ".join(out)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("bot.site", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)
    env.filters["linkify"] = linkify
    return env


class SiteBuilder:
    """Renders every page of the site into `out`."""

    def __init__(self, knowledge: Knowledge, i18n: I18n, out: Path, options: SiteOptions):
        self.knowledge, self.i18n, self.out, self.options = knowledge, i18n, Path(out), options
        self.region = knowledge.region
        self.languages = self.region.languages
        self.fallback = self.region.fallback_language
        self.env = _environment()
        self.base_path = "/"
        if options.base_url:
            self.base_path = urlsplit(options.base_url).path.rstrip("/") + "/"
        self.sitemap: list[tuple[str, tuple[str, ...]]] = []  # path, languages
        self.result = BuildResult(languages=self.languages)
        self._language_names = {(lang, shown_in): i18n.language_name(lang, shown_in)
                                for lang in self.languages for shown_in in self.languages}
        self._dates: dict[tuple[dt.date, str], str] = {}
        self.indexed_in, self.hidden_in = plan_search_index(knowledge)

    # ------------------------------------------------------------------ helpers

    def name(self, text: Mapping[str, str], lang: str) -> str:
        return text_in(text, lang, self.fallback)

    def deep_link(self, *parts: str) -> str | None:
        if not self.options.bot_username:
            return None
        return f"https://t.me/{self.options.bot_username.lstrip('@')}?start={'-'.join(parts)}"

    def absolute(self, path: str) -> str:
        return self.options.base_url.rstrip("/") + "/" + path if self.options.base_url else None

    def entry_title(self, entry: Entry, lang: str) -> tuple[str, str]:
        """The entry's first question in `lang` (else the fallback's, else any) and its language."""
        for code in (lang, self.fallback, *entry.questions):
            if entry.questions.get(code):
                return entry.questions[code][0], code
        return entry.id, lang

    def language_name(self, lang: str, shown_in: str | None = None) -> str:
        return self._language_names[(lang, shown_in or lang)]

    def long_date(self, day: dt.date, lang: str) -> str:
        if (day, lang) not in self._dates:
            self._dates[(day, lang)] = format_date(day, "long", locale=babel_locale(lang))
        return self._dates[(day, lang)]

    def render(self, template: str, path: str, lang: str, *, root: str | None = None,
               sitemap: bool = True, **values) -> None:
        """Write one page at `path` ('' or 'nb/bardu/', always ending in '/' or '.html')."""
        languages = self.languages
        depth = path.count("/")
        root = root if root is not None else "../" * depth
        own = path.split("/", 1)[1] if path.split("/", 1)[0] in self.languages else None

        def href(target: str) -> str:
            return root + target

        alternates = []
        if own is not None:
            for other in languages:
                target = f"{other}/{own}"
                alternates.append((other, self.absolute(target) or href(target)))
            alternates.append(("x-default", self.absolute(f"{self.fallback}/{own}")
                               or href(f"{self.fallback}/{own}")))
        values.setdefault("alternates", alternates)
        values.setdefault("crumbs", ())
        t = Texts(self.i18n, lang)
        page = self.env.get_template(template).render(
            lang=lang, t=t, root=root, href=href, path=path, own=own,
            languages=[(other, self.language_name(other)) for other in languages],
            region_name=self.name(self.region.name, lang),
            canonical=self.absolute(path) if sitemap else None,
            fallback=self.fallback, **values)
        target = self.out / (path + "index.html" if path.endswith("/") or not path else path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        self.result.pages += 1
        if sitemap and own is not None and lang == languages[0]:
            self.sitemap.append((own, languages))

    # ------------------------------------------------------------------ pages

    def build(self) -> BuildResult:
        self.render("root.html", "", self.fallback, root="",
                    title=Texts(self.i18n, self.fallback).choose_language,
                    alternates=[(lang, self.absolute(f"{lang}/") or f"{lang}/") for lang in self.languages]
                    + [("x-default", self.absolute("") or "./")],
                    choices=[(lang, self.language_name(lang), Texts(self.i18n, lang))
                             for lang in self.languages])
        for lang in self.languages:
            self.start_page(lang)
            self.search_page(lang)
            self.not_found_page(lang)
        self.not_found_page(self.fallback, root_copy=True)
        render_municipalities(self)
        write_static(self.out, self.absolute("sitemap.xml"))
        write_sitemap(self.out, self.sitemap, lambda path: self.absolute(path) or self.base_path + path)
        return self.result

    def start_page(self, lang: str) -> None:
        t = Texts(self.i18n, lang)
        self.render("start.html", f"{lang}/", lang,
                    municipalities=[(m.id, self.name(m.name, lang)) for m in self.region.municipalities],
                    emergency=[(number, getattr(t, key)) for number, key in EMERGENCY_NUMBERS],
                    title=t("welcome", region=self.name(self.region.name, lang)))

    def search_page(self, lang: str) -> None:
        self.render("search.html", f"{lang}/search/", lang, sitemap=False,
                    title=Texts(self.i18n, lang).search,
                    municipalities=[(m.id, self.name(m.name, lang)) for m in self.region.municipalities])

    def not_found_page(self, lang: str, root_copy: bool = False) -> None:
        t = Texts(self.i18n, lang)
        if root_copy:  # served for any missing path: links from the site's root
            self.render("404.html", "404.html", lang, root=self.base_path, sitemap=False,
                        alternates=[(other, f"{self.base_path}{other}/404.html") for other in self.languages],
                        title=t.not_found)
        else:
            self.render("404.html", f"{lang}/404.html", lang, sitemap=False, title=t.not_found)

    def municipality_pages(self, municipality) -> None:
        entries = [e for e in self.knowledge.visible_entries(municipality.id) if e.web]
        by_topic: dict[str, list[Entry]] = {}
        for entry in entries:
            by_topic.setdefault(entry.topic, []).append(entry)
        topics = [tid for tid in self.region.topics if tid in by_topic] + \
            [tid for tid in by_topic if tid not in self.region.topics]
        steps = steps_for(self.knowledge, municipality.id)
        visible = {e.id: e for e in entries}
        hours = self.options.office_hours.get(municipality.id) or self.options.office_hours.get("default")
        languages_text = {lang: ", ".join(self.language_name(x, lang) for x in self.languages)
                          for lang in self.languages}
        qr_paths = {}
        for lang in self.languages:
            link = self.deep_link(municipality.id, lang)
            if link:
                qr_file = self.out / lang / municipality.id / "telegram.svg"
                qr_file.parent.mkdir(parents=True, exist_ok=True)
                segno.make(link, error="m").save(str(qr_file), scale=4, border=4, dark="#000",
                                                 light="#fff", xmldecl=False, svgns=True)
                qr_paths[lang] = link
        for lang in self.languages:
            name = self.name(municipality.name, lang)
            base = f"{lang}/{municipality.id}/"
            sections = [(tid, self.name(self.region.topics.get(tid, {tid: tid}), lang),
                         [(f"{tid}/{e.id}/", *self.entry_title(e, lang)) for e in by_topic[tid]])
                        for tid in topics]
            crumbs = ((f"{lang}/", Texts(self.i18n, lang).home), (base, name))
            self.render("municipality.html", base, lang, title=name, municipality=municipality.id,
                        crumbs=crumbs, municipality_name=name, sections=sections, website=municipality.website,
                        telegram=qr_paths.get(lang), telegram_languages=languages_text[lang],
                        hours=format_hours(hours, lang) if hours else None,
                        has_checklist=bool(steps))
            for entry in entries:
                self.entry_page(entry, lang, municipality, name, crumbs)
            if steps:
                self.checklist_page(steps, visible, lang, municipality.id, name, crumbs)
        self.result.entries += len(entries)

    def entry_page(self, entry: Entry, lang: str, municipality, municipality_name: str, crumbs) -> None:
        t = Texts(self.i18n, lang)
        answer_lang = lang if entry.answer.get(lang) else \
            (self.fallback if entry.answer.get(self.fallback) else next(iter(entry.answer)))
        topic_name = self.name(self.region.topics.get(entry.topic, {entry.topic: entry.topic}), lang)
        note = None
        if answer_lang != lang:
            note = t("in_fallback", language=self.language_name(lang, lang),
                     fallback=self.language_name(answer_lang, lang))
        reviewed = self.long_date(entry.reviewed, lang) if entry.reviewed else None
        title, title_lang = self.entry_title(entry, lang)
        self.render("entry.html", f"{lang}/{municipality.id}/{entry.topic}/{entry.id}/", lang,
                    title=f"{title} – {municipality_name}", heading=title, heading_lang=title_lang,
                    municipality=municipality.id, municipality_name=municipality_name,
                    crumbs=(*crumbs, (f"{crumbs[-1][0]}#topic-{entry.topic}", topic_name)),
                    topic=entry.topic, topic_name=topic_name, answer=entry.answer[answer_lang],
                    answer_lang=answer_lang, note=note, links=entry.links, reviewed=reviewed,
                    telegram=self.deep_link(municipality.id, lang, entry.topic),
                    indexed=self.indexed_in.get(entry.key) == municipality.id,
                    scope=entry.scope, hidden_in=" ".join(self.hidden_in.get(entry.key, ())))

    def checklist_page(self, steps, visible: Mapping[str, Entry], lang: str, municipality: str,
                       municipality_name: str, crumbs) -> None:
        t = Texts(self.i18n, lang)
        ordered = sorted(steps, key=lambda s: (s.days is None, s.days or 0, s.yearly or (0, 0)))
        items = [(self.name(step.title, lang), due_text(step, t, lang),
                  [getattr(t, AUDIENCE_KEYS[a]) for a in step.audience if a in AUDIENCE_KEYS],
                  f"{visible[step.entry].topic}/{step.entry}/" if step.entry in visible else None)
                 for step in ordered]
        self.render("checklist.html", f"{lang}/{municipality}/{CHECKLIST}/", lang,
                    title=f"{t.checklist} – {municipality_name}", municipality=municipality,
                    municipality_name=municipality_name, steps=items, crumbs=crumbs)


def due_text(step, t: Texts, lang: str) -> str:
    """When a checklist step is due, in words: after arrival, or every year by a date."""
    if step.days is not None:
        return t.due_now if step.days == 0 else t("due_days", days=step.days)
    month, day = step.yearly
    return t("due_yearly", date=format_skeleton("MMMMd", dt.date(2000, month, day),
                                                locale=babel_locale(lang)))


def plan_search_index(knowledge: Knowledge) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Which page of each entry the search indexes: a common entry once, not once per municipality.

    Returns (entry key -> the municipality whose page is indexed, common entry key -> the
    municipalities that replace or hide it). A common entry's page is the same answer in
    every other municipality; the search page links the reader's own municipality's copy.
    """
    municipalities = [m.id for m in knowledge.region.municipalities]
    local_ids: dict[str, set[str]] = {}
    for entry in knowledge.entries:
        if entry.scope != COMMON:
            local_ids.setdefault(entry.scope, set()).add(entry.id)
    indexed_in: dict[str, str] = {}
    hidden_in: dict[str, tuple[str, ...]] = {}
    for entry in knowledge.entries:
        if not entry.web:
            continue
        if entry.scope != COMMON:
            indexed_in[entry.key] = entry.scope
            continue
        hidden = tuple(m for m in municipalities if entry.id in local_ids.get(m, ()))
        shown = next((m for m in municipalities if m not in hidden), None)
        if shown is not None:
            indexed_in[entry.key], hidden_in[entry.key] = shown, hidden
    return indexed_in, hidden_in


def render_municipalities(builder: SiteBuilder) -> None:
    """The municipalities' pages; a large region in several processes (one per CPU)."""
    global _FORKED
    municipalities = builder.region.municipalities
    workers = min(os.cpu_count() or 1, len(municipalities) // PARALLEL_FROM)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for municipality in municipalities:
            builder.municipality_pages(municipality)
        return
    _FORKED = builder  # the workers inherit the builder, knowledge and catalogs by fork
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_municipality_in_worker, range(len(municipalities)), chunksize=4)
    finally:
        _FORKED = None
    for pages, entries, sitemap in done:
        builder.result.pages += pages
        builder.result.entries += entries
        builder.sitemap.extend(sitemap)


_FORKED: SiteBuilder | None = None
PARALLEL_FROM = 20  # municipalities per process at least; a small region is built in one


def _municipality_in_worker(index: int) -> tuple[int, int, list]:
    builder = _FORKED
    pages, entries, sitemap = builder.result.pages, builder.result.entries, len(builder.sitemap)
    builder.municipality_pages(builder.region.municipalities[index])
    return builder.result.pages - pages, builder.result.entries - entries, builder.sitemap[sitemap:]


def build_site(knowledge: Knowledge, i18n: I18n, out: Path,
               options: SiteOptions = SiteOptions()) -> BuildResult:
    """Build the whole site into `out` (emptied first if an earlier build made it)."""
    prepare_folder(out)
    result = SiteBuilder(knowledge, i18n, Path(out), options).build()
    if options.search_index:
        index_search(Path(out))
    return result
