"""`vertskap poster`: a QR code of a deep link, for posters and letters."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.group import _knowledge_option, _services, main
from bot.i18n import N_


@main.command(help=N_("A QR code (PNG and SVG) for the deep link of a municipality, language and topic."))
@_knowledge_option
@click.option("--municipality", "-m", required=True, help="The municipality id.")
@click.option("--lang", "-l", default=None, help="Preselect this language.")
@click.option("--topic", "-t", default=None, help="Preselect this topic (needs --lang).")
@click.option("--username", required=True, help="The bot's Telegram username (without @).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The folder for the PNG and SVG files.")
def poster(knowledge_dir, municipality, lang, topic, username, out) -> None:
    from bot.coordination.posters import deep_link, write_qr_codes

    services = _services(knowledge_dir)
    region = services.knowledge.region
    if region.municipality(municipality) is None:
        raise click.BadParameter(f"unknown municipality '{municipality}'", param_hint="--municipality")
    if lang is not None and lang not in region.languages:
        raise click.BadParameter(f"unknown language '{lang}'", param_hint="--lang")
    if topic is not None and (lang is None or topic not in region.topics):
        raise click.BadParameter("a topic needs --lang and must be a topic id of region.yaml",
                                 param_hint="--topic")
    payload, link = deep_link(username, municipality, lang, topic)
    png, svg = write_qr_codes(link, payload, out)
    click.echo(f"{link}\n{png}\n{svg}")
