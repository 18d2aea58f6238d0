"""The command line's own words in the reader's language: `--lang`, else the locale, else English.

The words come from the same gettext catalogs as the assistant's (message ids in
English). The locale is read as gettext does: LANGUAGE, LC_ALL, LC_MESSAGES, LANG.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Mapping

import click
from babel.support import NullTranslations, Translations

from bot.i18n import ALIASES, DEFAULT_LOCALES, DOMAIN, N_

ENGLISH = "en"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def catalog_languages() -> tuple[str, ...]:
    """The languages with a compiled catalog."""
    return tuple(sorted(p.name for p in DEFAULT_LOCALES.iterdir()
                        if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()))


def _known(code: str) -> str | None:
    code = code.split(".")[0].split("@")[0].replace("_", "-").lower()
    code = ALIASES.get(code, ALIASES.get(code.split("-")[0], code.split("-")[0]))
    return code if code in catalog_languages() else None


def cli_language(chosen: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language for the command line's messages and help."""
    if chosen:
        return _known(chosen) or ENGLISH
    env = os.environ if env is None else env
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        if value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            return ENGLISH
        for code in value.split(":"):  # LANGUAGE may list several
            if code and _known(code):
                return _known(code)
        return ENGLISH
    return ENGLISH


_catalogs: dict[str, NullTranslations] = {}


def translator(lang: str) -> Callable[..., str]:
    """`_(message, **values)` for `lang`; English (the message ids) where no catalog answers."""
    if lang not in _catalogs:
        catalog = Translations.load(str(DEFAULT_LOCALES), [lang], DOMAIN)
        _catalogs[lang] = catalog if isinstance(catalog, Translations) else NullTranslations()
    catalog = _catalogs[lang]

    def _(message: str, /, **values) -> str:
        text = catalog.gettext(message)
        return text.format(**values) if values else text

    return _


# --------------------------------------------------------------------------- click

LANG_KEY = "vertskap.lang"  # in click's ctx.meta, shared by a command and its group
LANG_HELP = N_("The language of the messages (nb, en, de; default: the locale, else English).")
# click's own words in the frame of every help and error (kept here so that extraction finds them)
USAGE, OPTIONS, COMMANDS = N_("Usage: "), N_("Options"), N_("Commands")
SHOW_HELP = N_("Show this message and exit.")
OUTCOMES = (N_("answered"), N_("suggested"), N_("fallback"))  # `vertskap check` shows them


def _lang_in(args) -> str | None:
    """The value of --lang/-l in a command's arguments, before click has parsed them."""
    for i, arg in enumerate(args):
        if arg in ("--lang", "-l") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def text_for(ctx: click.Context | None) -> Callable[..., str]:
    """The translator for the language of this command line."""
    lang = ctx.meta.get(LANG_KEY) if ctx is not None else None
    return translator(lang or cli_language())


class LocalizedCommand(click.Command):
    """A command whose help (and click's words around it) is read from the catalogs.

    The language is `--lang` (wherever it stands, also after --help), else the locale.
    """

    def parse_args(self, ctx, args):
        ctx.meta[LANG_KEY] = cli_language(_lang_in(args))
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter) -> None:
        _ = text_for(ctx)
        params = [p for p in self.get_params(ctx) if getattr(p, "help", None)]
        saved = self.help, [p.help for p in params]
        try:
            self.help = _(self.help) if self.help else self.help
            for p in params:
                p.help = _(p.help)
            super().format_help(ctx, formatter)
        finally:
            self.help = saved[0]
            for p, text in zip(params, saved[1], strict=True):
                p.help = text

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=text_for(ctx)(USAGE))

    def format_options(self, ctx, formatter) -> None:
        rows = [r for p in self.get_params(ctx) if not isinstance(p, click.Argument)
                for r in [p.get_help_record(ctx)] if r is not None]
        if rows:
            with formatter.section(text_for(ctx)(OPTIONS)):
                formatter.write_dl(rows)

    def get_short_help_str(self, limit: int = 45) -> str:
        saved = self.help
        try:
            self.help = translator(cli_language())(saved) if saved else saved
            return super().get_short_help_str(limit)
        finally:
            self.help = saved


class LocalizedGroup(LocalizedCommand, click.Group):
    """The `vertskap` group: its help, its command list and usage errors from the catalogs."""

    command_class = LocalizedCommand

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        commands = [(name, c) for name in self.list_commands(ctx)
                    for c in [self.get_command(ctx, name)] if c is not None and not c.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(text_for(ctx)(COMMANDS)):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in commands])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(text_for(exc.__dict__.get("ctx"))(N_("Error: {message}"),
                                                         message=exc.format_message()), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(translator(cli_language())(N_("Aborted.")), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def show_usage_error(exc: click.UsageError) -> None:
    """Usage, a hint and the error, as click shows them, in the reader's language."""
    ctx = exc.ctx
    _ = text_for(ctx)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            click.echo(_(N_("Try '{command}' for help."),
                         command=f"{ctx.command_path} {ctx.help_option_names[0]}"), err=True)
        click.echo("", err=True)
    click.echo(_(N_("Error: {message}"), message=exc.format_message()), err=True)
