"""`vertskap chat` and `vertskap ask`: the assistant in the terminal."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.group import _knowledge_option, _knowledge_path, _services, main
from bot.i18n import N_


@main.command(help=N_("Chat with the assistant in the terminal (no Telegram token needed)."))
@_knowledge_option
@click.option("--municipality", "-m", default=None, help="Start as a user of this municipality id.")
@click.option("--lang", "-l", default=None, help="Start in this language (nb, en, de, …).")
def chat(knowledge_dir: Path | None, municipality: str | None, lang: str | None) -> None:
    from bot.cli.console import chat as run_chat
    from bot.conversation import Engine

    services = _services(knowledge_dir)
    region = services.knowledge.region
    if municipality and region.municipality(municipality) is None:
        raise click.BadParameter(f"unknown municipality '{municipality}'; choose one of "
                                 + ", ".join(m.id for m in region.municipalities),
                                 param_hint="--municipality")
    if lang and lang not in region.languages:
        raise click.BadParameter(f"unknown language '{lang}'; choose one of "
                                 + ", ".join(region.languages), param_hint="--lang")
    from bot.coordination.reload import Reloader, watch_in_thread

    def reloaded(result) -> None:  # a saved change goes live; a broken one is shown, not loaded
        click.echo(f"\n[{result.summary()}]", err=True)

    watch_in_thread(Reloader(services, _knowledge_path(knowledge_dir)), reloaded)
    click.echo("Vertskap – type your question; a number presses a button; /quit ends.\n")
    run_chat(Engine(services), read=lambda prompt: input(prompt), write=click.echo,
             municipality=municipality, language=lang)


@main.command(help=N_("Ask one question and print the reply (or, with --explain, why)."))
@click.argument("question")
@_knowledge_option
@click.option("--municipality", "-m", default=None, help="The user's chosen municipality id.")
@click.option("--lang", "-l", default=None, help="The user's chosen language.")
@click.option("--explain", is_flag=True, help="Show the outcome and the top candidates with scores.")
def ask(question: str, knowledge_dir: Path | None, municipality: str | None, lang: str | None,
        explain: bool) -> None:
    from bot.cli.console import render
    from bot.conversation import Engine, TextMessage, UserState

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
