"""`vertskap site`: the website, static files with search, built from the knowledge."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.group import (_knowledge_option, _knowledge_path, _lang_option,
                           _stop_on_knowledge_errors, _text, main)
from bot.i18n import N_, CatalogMissing
from bot.knowledge import KnowledgeError


def _load(knowledge_dir: Path | None, config_file: Path | None):
    """The knowledge, its catalogs and the hosts' office hours, or exit 1 saying what is wrong."""
    from bot.config import ConfigError, load_settings
    from bot.hosts import routing_from_settings
    from bot.i18n import I18n
    from bot.knowledge import load_knowledge

    try:
        settings = load_settings(config_file, need_token=False) if config_file else None
        path = _knowledge_path(knowledge_dir or (settings.knowledge if settings else None))
        knowledge = load_knowledge(path)
        i18n = I18n(knowledge.region.languages)
        routing = settings and routing_from_settings(
            settings.hosts, [m.id for m in knowledge.region.municipalities], settings.source)
    except KnowledgeError as exc:
        _stop_on_knowledge_errors(path, exc)
    except (CatalogMissing, ConfigError) as exc:
        click.echo(_text()(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    hours = {key: chat.office_hours.spans for key, chat in routing.chats.items()} if routing else {}
    return knowledge, i18n, hours


def _serve(out: Path, port: int) -> None:
    from bot.site.serve import make_server

    server = make_server(out, port=port)
    click.echo(_text()(N_("Serving the site on {address} – Ctrl-C stops."),
                       address=f"http://127.0.0.1:{server.server_address[1]}/"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command(help=N_("Build the website (static files, with search) from the knowledge into OUT."))
@click.argument("out", type=click.Path(path_type=Path))
@_knowledge_option
@click.option("--base-url", default=None, help=N_("The site's public address, for the sitemap and "
                                                  "language links (e.g. https://vertskap.example.org/)."))
@click.option("--bot-username", default=None, help=N_("The bot's Telegram username, for the 'Ask on "
                                                      "Telegram' links and QR codes (none without it)."))
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help=N_("The settings file, for the hosts' office hours (and the knowledge folder)."))
@click.option("--serve", is_flag=True, help=N_("Then serve the site on http://127.0.0.1:PORT/ until Ctrl-C."))
@click.option("--port", type=int, default=8000, show_default=True, help=N_("The port for --serve."))
@_lang_option
def site(out, knowledge_dir, base_url, bot_username, config_file, serve, port, lang) -> None:
    from bot.site import SiteError, SiteOptions, build_site

    _ = _text()
    if base_url and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter(_(N_("give the full address, e.g. https://vertskap.example.org/")),
                                 param_hint="--base-url")
    knowledge, i18n, hours = _load(knowledge_dir, config_file)
    try:
        result = build_site(knowledge, i18n, out,
                            SiteOptions(base_url=base_url, bot_username=bot_username, office_hours=hours))
    except SiteError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    click.echo(_(N_("{folder}: {pages} pages ({entries} answers in each of {languages}), search index "
                    "in {index}"), folder=out, pages=result.pages, entries=result.entries,
                 languages=", ".join(result.languages), index=out / "pagefind"))
    if serve:
        _serve(out, port)
