"""`vertskap gaps` and `report`: what the stored records say."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.group import _knowledge_option, _lang_option, _services, _text, main
from bot.i18n import N_


def _since(value: str | None, default_days: int | None = None):
    """'30d', '12w', or a date YYYY-MM-DD, as a UTC datetime."""
    import datetime as dt

    if value is None:
        if default_days is None:
            return None
        return dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=default_days)
    value = value.strip()
    units = {"d": 1, "w": 7}
    if value[:-1].isdigit() and value[-1:] in units:
        return dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=int(value[:-1]) * units[value[-1]])
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_text()(N_("'{value}' is neither a date (2026-01-31) nor a span "
                                            "(30d, 12w)"), value=value)) from None
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)


def _store(config_file: Path | None, database: Path | None):
    from bot.config import ConfigError, load_settings
    from bot.store import Store, StoreError

    _ = _text()
    try:
        settings = load_settings(config_file, need_token=False)
    except ConfigError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    path = database or settings.database
    if not path.exists():
        click.echo(_(N_("error: no database at {path}; give --database or --config"), path=path),
                   err=True)
        sys.exit(1)
    try:
        return settings, Store(path)
    except StoreError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)


_config_option = click.option("--config", "config_file", type=click.Path(path_type=Path),
                              default=None, help=N_("The settings file (for the database path)."))
_database_option = click.option("--database", type=click.Path(path_type=Path), default=None,
                                 help=N_("The SQLite file (default: from the settings)."))


@main.command(help=N_("What people asked that nobody answered, grouped, most frequent first."))
@_knowledge_option
@_config_option
@_database_option
@click.option("--since", default="30d", show_default=True, help=N_("A span (30d, 12w) or a date."))
@click.option("--municipality", "-m", default=None, help=N_("Only this municipality id."))
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md", show_default=True,
              help=N_("A Markdown table or CSV."))
@click.option("--drafts", type=click.Path(path_type=Path), default=None,
              help=N_("Write a skeleton entry for each group into this folder."))
@_lang_option
def gaps(knowledge_dir, config_file, database, since, municipality, fmt, drafts, lang) -> None:
    import yaml

    from bot.coordination.report_format import gaps_csv, gaps_markdown
    from bot.coordination.reports import draft_entry, gaps as find_gaps

    services = _services(knowledge_dir)
    _, store = _store(config_file, database)
    records = store.records(since=_since(since))
    if municipality:
        records = [r for r in records if r["municipality"] == municipality]
    found = find_gaps(records, services.matcher.content_words)
    click.echo(gaps_markdown(found, _text()) if fmt == "md" else gaps_csv(found), nl=False)
    if drafts:
        drafts.mkdir(parents=True, exist_ok=True)
        for i, gap in enumerate(found, 1):
            (drafts / f"gap-{i}.yaml").write_text(
                f"# {gap.count} unanswered: {gap.example}\n"
                + yaml.safe_dump(draft_entry(gap, i), allow_unicode=True, sort_keys=False),
                encoding="utf-8")
        click.echo(_text()(N_("{count} draft(s) written to {folder}"), count=len(found),
                           folder=drafts), err=True)


@main.command(help=N_("The figures for the annual report: questions, answers, hosts, ratings."))
@_knowledge_option
@_config_option
@_database_option
@click.option("--since", required=True, help="A date (2026-01-01) or a span (365d).")
@click.option("--until", default=None, help="A date; default: now.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv"]), default="md", show_default=True)
@click.option("--lang", "-l", default=None, help="Language of the report (default: the region's first).")
def report(knowledge_dir, config_file, database, since, until, fmt, lang) -> None:
    import datetime as dt

    from bot.coordination.report_format import Formatter
    from bot.coordination.reports import report as make_report

    services = _services(knowledge_dir)
    _, store = _store(config_file, database)
    start = _since(since)
    end = _since(until) if until else dt.datetime.now(dt.timezone.utc)
    data = make_report(store.records(since=start, until=end), store.tickets(), services.knowledge,
                       start, end, store.first_record_at())
    region = services.knowledge.region
    formatter = Formatter(services.i18n, lang if lang in region.languages else region.fallback_language)
    click.echo({"md": formatter.markdown, "html": formatter.html, "csv": formatter.csv}[fmt](data), nl=False)
