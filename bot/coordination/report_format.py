"""The coordinators' annual report and gap list as Markdown, HTML or CSV (Babel formatting)."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

from babel.dates import format_date, format_timedelta
from babel.numbers import format_decimal, format_percent

from bot.i18n import I18n, N_, babel_locale
from bot.coordination.reports import Gap, Report

LABELS = {
    "title": N_("Vertskap report"),
    "period": N_("Period"),
    "data_from": N_("Data kept from"),
    "questions": N_("Questions"),
    "answered": N_("Answered"),
    "suggested": N_("Suggestions offered"),
    "fallback": N_("Not answered"),
    "escalated": N_("Passed to a host"),
    "first_reply": N_("Median time to a host's first reply"),
    "ratings": N_("Ratings of hosts (1–5)"),
    "thumbs": N_("Helpful / not helpful"),
    "by_municipality": N_("Questions per municipality"),
    "by_topic": N_("Questions per topic"),
    "by_language": N_("Questions per language"),
    "top": N_("Most asked answers"),
    "weekly": N_("Questions per week by language"),
    "none": N_("none"),
}


class Formatter:
    def __init__(self, i18n: I18n, lang: str):
        self.i18n, self.lang = i18n, lang
        self.locale = babel_locale(lang)

    def _(self, key: str) -> str:
        return self.i18n.gettext(self.lang, LABELS[key])

    def num(self, n: float) -> str:
        return format_decimal(n, locale=self.locale)

    def share(self, part: int, whole: int) -> str:
        return format_percent(part / whole if whole else 0, locale=self.locale)

    def date(self, d) -> str:
        return format_date(d, "medium", locale=self.locale)

    def duration(self, d: timedelta | None) -> str:
        return format_timedelta(d, locale=self.locale) if d is not None else self._("none")

    def summary_rows(self, r: Report) -> list[tuple[str, str]]:
        q = r.questions
        return [
            (self._("period"), f"{self.date(r.since)} – {self.date(r.until)}"),
            (self._("data_from"), self.date(r.data_from) if r.data_from else self._("none")),
            (self._("questions"), self.num(q)),
            (self._("answered"), f"{self.num(r.outcomes['answered'])} ({self.share(r.outcomes['answered'], q)})"),
            (self._("suggested"), f"{self.num(r.outcomes['suggested'])} ({self.share(r.outcomes['suggested'], q)})"),
            (self._("fallback"), f"{self.num(r.outcomes['fallback'])} ({self.share(r.outcomes['fallback'], q)})"),
            (self._("escalated"), f"{self.num(r.escalated)} ({self.share(r.escalated, q)})"),
            (self._("first_reply"), self.duration(r.median_first_reply)),
            (self._("ratings"), ", ".join(f"{k}: {self.num(v)}" for k, v in r.ratings.items()) or self._("none")),
            (self._("thumbs"), f"{self.num(r.thumbs['up'])} / {self.num(r.thumbs['down'])}"),
        ]

    def tables(self, r: Report) -> list[tuple[str, list[tuple[str, str]]]]:
        def counts(d):
            return [(k, self.num(v)) for k, v in d.items()]
        return [(self._("by_municipality"), counts(r.by_municipality)),
                (self._("by_topic"), counts(r.by_topic)),
                (self._("by_language"), counts(r.by_language)),
                (self._("top"), [(k, self.num(v)) for k, v in r.top_entries])]

    # ----------------------------------------------------------------- formats

    def markdown(self, r: Report) -> str:
        out = [f"# {self._('title')}", ""]
        out += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in self.summary_rows(r)]
        for title, rows in self.tables(r):
            out += ["", f"## {title}", "", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
        out += ["", f"## {self._('weekly')}", ""]
        languages = sorted({lang for w in r.weekly.values() for lang in w})
        out += ["| | " + " | ".join(languages) + " |", "|---|" + "---|" * len(languages)]
        out += [f"| {w} | " + " | ".join(self.num(c.get(lang, 0)) for lang in languages) + " |"
                for w, c in r.weekly.items()]
        return "\n".join(out) + "\n"

    def csv(self, r: Report) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "key", "value"])
        for k, v in self.summary_rows(r):
            writer.writerow(["summary", k, v])
        for title, rows in self.tables(r):
            for k, v in rows:
                writer.writerow([title, k, v])
        for w, c in r.weekly.items():
            for lang, n in sorted(c.items()):
                writer.writerow([self._("weekly"), f"{w} {lang}", n])
        return buffer.getvalue()

    def html(self, r: Report) -> str:
        esc = html.escape

        def table(rows):
            return "<table>" + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows) + "</table>"

        parts = [f"<!doctype html><html lang=\"{esc(self.lang)}\"><head><meta charset=\"utf-8\">"
                 f"<title>{esc(self._('title'))}</title><style>body{{font-family:sans-serif;max-width:60em;"
                 "margin:2em auto}}th{{text-align:left;padding-right:1em}}</style></head><body>",
                 f"<h1>{esc(self._('title'))}</h1>", table(self.summary_rows(r))]
        for title, rows in self.tables(r):
            parts += [f"<h2>{esc(title)}</h2>", table(rows)]
        parts += [f"<h2>{esc(self._('weekly'))}</h2>", self.chart(r), "</body></html>"]
        return "\n".join(parts)

    def chart(self, r: Report) -> str:
        """Stacked bars: questions per week, one colour per language (inline SVG)."""
        colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
        languages = sorted({lang for w in r.weekly.values() for lang in w})
        weeks = list(r.weekly)
        top = max((sum(c.values()) for c in r.weekly.values()), default=1) or 1
        bar, gap, height = 24, 8, 200
        width = max(1, len(weeks)) * (bar + gap) + 40
        svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 60}" '
               f'role="img" aria-label="{html.escape(self._("weekly"))}">']
        for i, week in enumerate(weeks):
            y = height
            for j, lang in enumerate(languages):
                n = r.weekly[week].get(lang, 0)
                h = n / top * (height - 10)
                y -= h
                svg.append(f'<rect x="{30 + i * (bar + gap)}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                           f'fill="{colours[j % len(colours)]}"><title>{html.escape(week)} {html.escape(lang)}: '
                           f'{self.num(n)}</title></rect>')
            svg.append(f'<text x="{30 + i * (bar + gap)}" y="{height + 14}" font-size="9">'
                       f'{html.escape(week[-3:])}</text>')
        for j, lang in enumerate(languages):
            svg.append(f'<rect x="{30 + j * 60}" y="{height + 30}" width="10" height="10" '
                       f'fill="{colours[j % len(colours)]}"/><text x="{44 + j * 60}" y="{height + 39}" '
                       f'font-size="11">{html.escape(lang)}</text>')
        svg.append("</svg>")
        return "".join(svg)


GAP_COLUMNS = (N_("count"), N_("example"), N_("languages"), N_("municipalities"), N_("why"))
GAP_REASONS = (N_("fallback"), N_("suggestion not taken"), N_("thumbs down"))  # reports.gaps


def gaps_markdown(gaps: list[Gap], _=lambda message: message) -> str:
    """The gaps as a Markdown table; `_` translates the headings and reasons."""
    out = ["| # | " + " | ".join(_(c) for c in GAP_COLUMNS) + " |", "|---|---|---|---|---|---|"]
    for i, g in enumerate(gaps, 1):
        example = g.example.replace("|", "\\|").replace("\n", " ")
        out.append(f"| {i} | {g.count} | {example} | {', '.join(g.languages)} | "
                   f"{', '.join(g.municipalities)} | {', '.join(_(r) for r in g.reasons)} |")
    return "\n".join(out) + "\n"


def gaps_csv(gaps: list[Gap]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["count", "example", "variants", "languages", "municipalities", "why"])
    for g in gaps:
        writer.writerow([g.count, g.example, " | ".join(g.texts), " ".join(g.languages),
                         " ".join(g.municipalities), "; ".join(g.reasons)])
    return buffer.getvalue()
