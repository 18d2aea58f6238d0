"""The `vertskap` command: chat, ask, validate, check.

Exit codes: 0 clean, 1 findings or failed cases, 2 usage errors (click's).
Library exceptions become one clear message here; no traceback reaches a
coordinator.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.findings import Finding, Level, has_errors
from bot.i18n import CatalogMissing
from bot.knowledge import KnowledgeError

KNOWLEDGE_HELP = "The knowledge folder (default: $VERTSKAP_KNOWLEDGE or the shipped knowledge/)."


def _knowledge_option(f):
    return click.option("--knowledge", "knowledge_dir", type=click.Path(path_type=Path),
                        default=None, help=KNOWLEDGE_HELP)(f)


def _knowledge_path(knowledge_dir: Path | None) -> Path:
    from bot.services import default_knowledge

    return knowledge_dir or default_knowledge()


def _echo_findings(findings: list[Finding], err: bool = True) -> None:
    for f in findings:
        click.echo(str(f), err=err)


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def _services(knowledge_dir: Path | None):
    """Load the services, or exit 1 with the findings that stop it."""
    from bot.services import load_services

    path = _knowledge_path(knowledge_dir)
    try:
        return load_services(path)
    except KnowledgeError as exc:
        errors = [f for f in exc.findings if f.level is Level.ERROR]
        _echo_findings(errors)
        click.echo(f"{path}: the knowledge has {_summary(errors)}; fix them and try again "
                   "(vertskap validate lists everything)", err=True)
        sys.exit(1)
    except CatalogMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Vertskap: the newcomer assistant for Midt-Troms."""


@main.command()
@_knowledge_option
@click.option("--municipality", "-m", default=None, help="Start as a user of this municipality id.")
@click.option("--lang", "-l", default=None, help="Start in this language (nb, en, de, …).")
def chat(knowledge_dir: Path | None, municipality: str | None, lang: str | None) -> None:
    """Chat with the assistant in the terminal (no Telegram token needed)."""
    from bot.console import chat as run_chat
    from bot.dialogue import Engine

    services = _services(knowledge_dir)
    region = services.knowledge.region
    if municipality and region.municipality(municipality) is None:
        raise click.BadParameter(f"unknown municipality '{municipality}'; choose one of "
                                 + ", ".join(m.id for m in region.municipalities),
                                 param_hint="--municipality")
    if lang and lang not in region.languages:
        raise click.BadParameter(f"unknown language '{lang}'; choose one of "
                                 + ", ".join(region.languages), param_hint="--lang")
    from bot.reload import Reloader, watch_in_thread

    def reloaded(result) -> None:  # a saved change goes live; a broken one is shown, not loaded
        click.echo(f"\n[{result.summary()}]", err=True)

    watch_in_thread(Reloader(services, _knowledge_path(knowledge_dir)), reloaded)
    click.echo("Vertskap – type your question; a number presses a button; /quit ends.\n")
    run_chat(Engine(services), read=lambda prompt: input(prompt), write=click.echo,
             municipality=municipality, language=lang)


@main.command()
@click.argument("question")
@_knowledge_option
@click.option("--municipality", "-m", default=None, help="The user's chosen municipality id.")
@click.option("--lang", "-l", default=None, help="The user's chosen language.")
@click.option("--explain", is_flag=True, help="Show the outcome and the top candidates with scores.")
def ask(question: str, knowledge_dir: Path | None, municipality: str | None, lang: str | None,
        explain: bool) -> None:
    """Ask one question and print the reply (or, with --explain, why)."""
    from bot.console import render
    from bot.dialogue import Engine, TextMessage, UserState

    services = _services(knowledge_dir)
    if explain:
        match = services.matcher.match(question, municipality=municipality, language=lang)
        click.echo(explain_match(match, services.matcher.thresholds))
        return
    engine = Engine(services)
    state = UserState(language=lang, municipality=municipality, onboarded=True)
    turn = engine.handle(state, TextMessage(question))
    click.echo(render(turn.replies, []))


def explain_match(match, thresholds) -> str:
    where = match.municipality or "none"
    if match.municipality_from_text:
        where += " (named in the text)"
    lines = [
        f"outcome:      {match.outcome.value}"
        + (f" ({match.entry.key})" if match.entry else "")
        + (f" suggestions: {', '.join(e.key for e in match.suggestions)}" if match.suggestions else ""),
        f"language:     {match.language} ({'detected' if match.language_certain else 'unclear: chosen or best guess'})",
        f"municipality: {where}",
        f"words:        {' '.join(match.words) or '(none)'}",
        f"thresholds:   answer ≥ {thresholds.answer:g}, ahead by ≥ {thresholds.margin:g}, evidence "
        f"≥ {thresholds.evidence:g}, question covered ≥ {thresholds.coverage:g}; "
        f"suggest ≥ {thresholds.suggest:g} within {thresholds.suggest_window:g}",
        "",
        "  #  score  message  variant  entry  candidate                     best question variant",
    ]
    for i, c in enumerate(match.candidates, 1):
        lines.append(f"{i:>3}  {c.score:5.1f}  {c.message_side:7.1f}  {c.variant_side:7.1f}  "
                     f"{c.entry_side:5.1f}  {c.entry.key:<28}  {c.variant}")
    if not match.candidates:
        lines.append("  (no candidate shares a word with the question)")
    return "\n".join(lines)


@main.command()
@_knowledge_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def validate(knowledge_dir: Path | None, strict: bool, as_json: bool) -> None:
    """Check a knowledge folder and list every problem with file, line and column."""
    from bot.validation import validate as run_validate

    path = _knowledge_path(knowledge_dir)
    findings = run_validate(path)
    failed = has_errors(findings) or (strict and bool(findings))
    if as_json:
        click.echo(json.dumps({"findings": [f.as_dict() for f in findings],
                               "summary": {"errors": sum(f.level is Level.ERROR for f in findings),
                                           "warnings": sum(f.level is Level.WARNING for f in findings),
                                           "passed": not failed}}, ensure_ascii=False, indent=1))
    else:
        _echo_findings(findings, err=False)
        verdict = "FAILED" if failed else "ok"
        click.echo(f"{path}: {_summary(findings)} – {verdict}")
    sys.exit(1 if failed else 0)


@main.command()
@_knowledge_option
@click.option("--cases", "cases_files", type=click.Path(path_type=Path), multiple=True,
              help="A cases file (repeatable; default: every .yaml in <knowledge>/tests/).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (docs: knowledge-format.md).")
@click.option("--failures-only", is_flag=True, help="List only the cases that failed.")
def check(knowledge_dir: Path | None, cases_files: tuple[Path, ...], as_json: bool,
          failures_only: bool) -> None:
    """Run test questions against the knowledge; exit 1 if any case fails."""
    from bot.cases import check_cases, read_cases

    services = _services(knowledge_dir)
    if not cases_files:
        tests = services.knowledge.root / "tests"
        cases_files = tuple(sorted(tests.glob("*.yaml"))) if tests.is_dir() else ()
        if not cases_files:
            raise click.UsageError(f"no cases file given and none found in {tests}; use --cases FILE")
    cases, problems = [], []
    for path in cases_files:
        if not path.is_file():
            raise click.BadParameter(f"'{path}' does not exist", param_hint="--cases")
        found, findings = read_cases(path)
        cases += found
        problems += findings
    _echo_findings(problems)
    results = check_cases(services.matcher, cases)
    passed = sum(r.passed for r in results)
    by_status: dict[str, int] = {}
    for r in results:
        by_status[r.status.value] = by_status.get(r.status.value, 0) + 1
    if as_json:
        doc = {"cases": [r.as_dict() for r in results],
               "summary": {"cases": len(results), "passed": passed, "failed": len(results) - passed,
                           "by_status": by_status, "case_file_errors": len(problems)}}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for r in results:
            if r.passed and failures_only:
                continue
            got = r.got or (", ".join(r.suggestions) if r.suggestions else "-")
            where = f" [{r.case.municipality}]" if r.case.municipality else ""
            click.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.case.text!r}{where}: expected "
                       f"{r.case.expect}, got {r.status.value} {got} ({r.language}, {r.score:.0f})")
        click.echo(f"{passed}/{len(results)} cases passed")
    sys.exit(0 if passed == len(results) and not problems else 1)


@main.command()
@_knowledge_option
@click.option("--stale", is_flag=True, help="List only the entries not reviewed for over a year.")
@click.option("--lang", "-l", default=None, help="The language of topic and place names.")
def coverage(knowledge_dir: Path | None, stale: bool, lang: str | None) -> None:
    """A table municipality × topic: how many entries answer, and what is missing."""
    from bot.knowledge import text_in
    from bot.reports import coverage as compute

    services = _services(knowledge_dir)
    knowledge = services.knowledge
    region = knowledge.region
    lang = lang if lang in region.languages else region.fallback_language
    report = compute(knowledge)
    if stale:
        for key, reviewed in report.stale:
            click.echo(f"{key}: {'last reviewed ' + reviewed.isoformat() if reviewed else 'never reviewed'}")
        click.echo(f"{len(report.stale)} entr{'y' if len(report.stale) == 1 else 'ies'} to review")
        sys.exit(0)
    names = [text_in(region.municipality(m).name, lang, region.fallback_language)
             for m in report.municipalities]
    width = max(len(n) for n in names) + 2
    headers = [text_in(region.topics[t], lang, region.fallback_language) for t in report.topics]
    rows = []
    for m in report.municipalities:
        row = []
        for t in report.topics:
            cell = report.cells[(m, t)]
            row.append("–" if not cell.entries else
                       f"{cell.entries}" + (f" ({cell.local} local)" if cell.local else ""))
        rows.append(row)
    columns = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    click.echo((" " * width + "  ".join(h.ljust(c) for h, c in zip(headers, columns, strict=True))).rstrip())
    for name, row in zip(names, rows, strict=True):
        click.echo((name.ljust(width) + "  ".join(x.ljust(c) for x, c in zip(row, columns, strict=True))).rstrip())
    for key, part, language in report.missing:
        click.echo(f"missing: {key} has no {part} in '{language}'")
    empty = report.empty()
    click.echo(f"{len(knowledge.entries)} entries; {len(empty)} empty topic cell(s); "
               f"{len(report.missing)} missing translation(s); {len(report.stale)} to review")


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
        raise click.BadParameter(f"'{value}' is neither a date (2026-01-31) nor a span (30d, 12w)") from None
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)


def _store(config_file: Path | None, database: Path | None):
    from bot.config import ConfigError, load_settings
    from bot.store import Store, StoreError

    try:
        settings = load_settings(config_file, need_token=False)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    path = database or settings.database
    if not path.exists():
        click.echo(f"error: no database at {path}; give --database or --config", err=True)
        sys.exit(1)
    try:
        return settings, Store(path)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


_config_option = click.option("--config", "config_file", type=click.Path(path_type=Path),
                              default=None, help="The settings file (for the database path).")
_database_option = click.option("--database", type=click.Path(path_type=Path), default=None,
                                 help="The SQLite file (default: from the settings).")


@main.command()
@_knowledge_option
@_config_option
@_database_option
@click.option("--since", default="30d", show_default=True, help="A span (30d, 12w) or a date.")
@click.option("--municipality", "-m", default=None, help="Only this municipality id.")
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md", show_default=True)
@click.option("--drafts", type=click.Path(path_type=Path), default=None,
              help="Write a skeleton entry for each group into this folder.")
def gaps(knowledge_dir, config_file, database, since, municipality, fmt, drafts) -> None:
    """What people asked that nobody answered, grouped, most frequent first."""
    import yaml

    from bot.report_format import gaps_csv, gaps_markdown
    from bot.reports import draft_entry, gaps as find_gaps

    services = _services(knowledge_dir)
    _, store = _store(config_file, database)
    records = store.records(since=_since(since))
    if municipality:
        records = [r for r in records if r["municipality"] == municipality]
    found = find_gaps(records, services.matcher.content_words)
    click.echo(gaps_markdown(found) if fmt == "md" else gaps_csv(found), nl=False)
    if drafts:
        drafts.mkdir(parents=True, exist_ok=True)
        for i, gap in enumerate(found, 1):
            (drafts / f"gap-{i}.yaml").write_text(
                f"# {gap.count} unanswered: {gap.example}\n"
                + yaml.safe_dump(draft_entry(gap, i), allow_unicode=True, sort_keys=False),
                encoding="utf-8")
        click.echo(f"{len(found)} draft(s) written to {drafts}", err=True)


@main.command()
@_knowledge_option
@_config_option
@_database_option
@click.option("--since", required=True, help="A date (2026-01-01) or a span (365d).")
@click.option("--until", default=None, help="A date; default: now.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv"]), default="md", show_default=True)
@click.option("--lang", "-l", default=None, help="Language of the report (default: the region's first).")
def report(knowledge_dir, config_file, database, since, until, fmt, lang) -> None:
    """The figures for the annual report: questions, answers, hosts, ratings."""
    import datetime as dt

    from bot.report_format import Formatter
    from bot.reports import report as make_report

    services = _services(knowledge_dir)
    _, store = _store(config_file, database)
    start = _since(since)
    end = _since(until) if until else dt.datetime.now(dt.timezone.utc)
    data = make_report(store.records(since=start, until=end), store.tickets(), services.knowledge,
                       start, end, store.first_record_at())
    region = services.knowledge.region
    formatter = Formatter(services.i18n, lang if lang in region.languages else region.fallback_language)
    click.echo({"md": formatter.markdown, "html": formatter.html, "csv": formatter.csv}[fmt](data), nl=False)


@main.command()
@_knowledge_option
@click.option("--municipality", "-m", required=True, help="The municipality id.")
@click.option("--lang", "-l", default=None, help="Preselect this language.")
@click.option("--topic", "-t", default=None, help="Preselect this topic (needs --lang).")
@click.option("--username", required=True, help="The bot's Telegram username (without @).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The folder for the PNG and SVG files.")
def poster(knowledge_dir, municipality, lang, topic, username, out) -> None:
    """A QR code (PNG and SVG) for the deep link of a municipality, language and topic."""
    import segno

    services = _services(knowledge_dir)
    region = services.knowledge.region
    if region.municipality(municipality) is None:
        raise click.BadParameter(f"unknown municipality '{municipality}'", param_hint="--municipality")
    if lang is not None and lang not in region.languages:
        raise click.BadParameter(f"unknown language '{lang}'", param_hint="--lang")
    if topic is not None and (lang is None or topic not in region.topics):
        raise click.BadParameter("a topic needs --lang and must be a topic id of region.yaml",
                                 param_hint="--topic")
    payload = "-".join(x for x in (municipality, lang, topic) if x)
    link = f"https://t.me/{username.lstrip('@')}?start={payload}"
    code = segno.make(link, error="m")
    out.mkdir(parents=True, exist_ok=True)
    code.save(out / f"vertskap-{payload}.png", scale=10, border=4)
    code.save(out / f"vertskap-{payload}.svg", scale=10, border=4)
    click.echo(f"{link}\n{out / f'vertskap-{payload}.png'}\n{out / f'vertskap-{payload}.svg'}")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@_knowledge_option
@click.option("--base-url", default=None, help="The site's public address, for the sitemap and "
              "language links (e.g. https://vertskap.example.org/).")
@click.option("--bot-username", default=None, help="The bot's Telegram username, for the "
              "'Ask on Telegram' links and QR codes (none without it).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help="The settings file, for the hosts' office hours (and the knowledge folder).")
@click.option("--serve", is_flag=True, help="Then serve the site on http://127.0.0.1:PORT/ until Ctrl-C.")
@click.option("--port", type=int, default=8000, show_default=True, help="The port for --serve.")
def site(out, knowledge_dir, base_url, bot_username, config_file, serve, port) -> None:
    """Build the website (static files, with search) from the knowledge into OUT."""
    from bot.config import ConfigError, load_settings
    from bot.escalation import routing_from_settings
    from bot.i18n import I18n
    from bot.knowledge import load_knowledge
    from bot.site.build import SiteError, SiteOptions, build_site

    if base_url and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("give the full address, e.g. https://vertskap.example.org/",
                                 param_hint="--base-url")
    settings = None
    if config_file:  # the hosts' office hours come from the settings' [hosts] tables
        try:
            settings = load_settings(config_file, need_token=False)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    path = _knowledge_path(knowledge_dir or (settings.knowledge if settings else None))
    try:
        knowledge = load_knowledge(path)
        i18n = I18n(knowledge.region.languages)
        routing = settings and routing_from_settings(
            settings.hosts, [m.id for m in knowledge.region.municipalities], settings.source)
    except KnowledgeError as exc:
        _echo_findings([f for f in exc.findings if f.level is Level.ERROR])
        click.echo(f"{path}: the knowledge has errors; fix them and try again "
                   "(vertskap validate lists everything)", err=True)
        sys.exit(1)
    except (CatalogMissing, ConfigError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    hours = {key: chat.office_hours.spans for key, chat in routing.chats.items()} if routing else {}
    try:
        result = build_site(knowledge, i18n, out,
                            SiteOptions(base_url=base_url, bot_username=bot_username, office_hours=hours))
    except SiteError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{out}: {result.pages} pages, {result.entries} entry pages per language in "
               f"{', '.join(result.languages)}, search index in {out / 'pagefind'}")
    if serve:
        from bot.site.serve import make_server

        server = make_server(out, port=port)
        click.echo(f"serving on http://127.0.0.1:{server.server_address[1]}/ – Ctrl-C stops")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@main.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help="The TOML settings file (see README.md, Settings). Optional.")
@click.option("--webhook-url", default=None, help="Run with a webhook at this public https URL.")
@click.option("--listen", default=None, help="Webhook: the address to listen on (default 0.0.0.0).")
@click.option("--port", type=int, default=None, help="Webhook: the port to listen on (default 8443).")
@click.option("--secret-token", default=None, help="Webhook: the secret Telegram must send "
              "(or TELEGRAM_WEBHOOK_SECRET).")
def run(config_file: Path | None, webhook_url: str | None, listen: str | None, port: int | None,
        secret_token: str | None) -> None:
    """Run the assistant on Telegram (long polling, or a webhook)."""
    import dataclasses
    import os

    from bot.config import ConfigError, load_settings, webhook_settings
    from bot.logs import setup_logging
    from bot.store import Store, StoreError

    try:
        settings = load_settings(config_file)
        if webhook_url or listen or port or secret_token:
            values = dict(dataclasses.asdict(settings.webhook)) if settings.webhook else {}
            values.pop("secret_token", None)
            values.update({k: v for k, v in (("url", webhook_url), ("listen", listen),
                                             ("port", port)) if v is not None})
            if secret_token:
                os.environ["TELEGRAM_WEBHOOK_SECRET"] = secret_token
            settings = dataclasses.replace(settings, webhook=webhook_settings(
                values, Path.cwd(), "command line"))
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    services = _services(settings.knowledge)
    from bot.escalation import routing_from_settings

    try:
        services.hosts = routing_from_settings(
            settings.hosts, [m.id for m in services.knowledge.region.municipalities], settings.source)
        services.retention_days = settings.retention_days
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        store = Store(settings.database)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    setup_logging(settings.log_level, [settings.token,
                                       settings.webhook.secret_token if settings.webhook else ""])
    import asyncio
    import logging

    from telegram import Bot, Update
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram_app.app import build_application

    async def check_token():
        async with Bot(settings.token, base_url=settings.base_url,
                       base_file_url=settings.base_file_url) as bot:
            return await bot.get_me()

    try:  # before the application starts, so that a bad token is one line, not a traceback
        me = asyncio.run(check_token())
    except InvalidToken:
        click.echo("error: Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN (ask "
                   "@BotFather for the token of your bot)", err=True)
        store.close()
        sys.exit(1)
    except NetworkError as exc:
        click.echo("error: cannot reach the Telegram Bot API at "
                   f"{settings.base_url.replace(settings.token, '[secret]')}: "
                   f"{str(exc).replace(settings.token, '[secret]')}", err=True)
        store.close()
        sys.exit(1)
    logging.getLogger("vertskap").info("starting as @%s", me.username)
    application = build_application(settings, services, store)
    try:
        if settings.webhook:
            hook = settings.webhook
            application.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path,
                                    webhook_url=f"{hook.url.rstrip('/')}/{hook.path}",
                                    secret_token=hook.secret_token,
                                    allowed_updates=Update.ALL_TYPES)
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        click.echo("error: Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN (ask "
                   "@BotFather for the token of your bot)", err=True)
        sys.exit(1)
    except NetworkError as exc:
        click.echo(f"error: cannot reach the Telegram Bot API: {str(exc).replace(settings.token, '[secret]')}",
                   err=True)
        sys.exit(1)
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover
    main()
