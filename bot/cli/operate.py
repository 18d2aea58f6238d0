"""The operators' commands: `vertskap init`, `backup` and `restore` (registered in bot/cli/__init__.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.i18n import N_
from bot.cli.language import LANG_HELP, LocalizedCommand, cli_language, translator


def _lang_option(f):
    return click.option("--lang", "-l", "lang", default=None, help=LANG_HELP)(f)


def _database(config_file: Path | None, database: Path | None, _) -> Path:
    from bot.config import ConfigError, load_settings

    if database is not None:
        return database
    try:
        return load_settings(config_file, need_token=False).database
    except ConfigError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)


_config = click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
                       help=N_("The settings file (for the database path)."))
_db = click.option("--database", type=click.Path(path_type=Path), default=None,
                   help=N_("The SQLite file (default: from the settings)."))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


@click.command(cls=LocalizedCommand, help=N_(
    "Start a region: copy the shipped knowledge and a commented settings file into FOLDER."))
@click.argument("folder", type=click.Path(path_type=Path))
@_lang_option
def init(folder: Path, lang: str | None) -> None:
    from bot.ops.init import FolderNotEmpty, init_region

    _ = translator(cli_language(lang))
    try:
        knowledge, settings = init_region(folder)
    except FolderNotEmpty as exc:
        click.echo(_(N_("error: {paths} exists already; choose an empty folder"), paths=exc), err=True)
        sys.exit(1)
    click.echo(_(N_("Created {knowledge} (the answers: edit them, then run vertskap validate) "
                    "and {settings} (the settings)."), knowledge=knowledge, settings=settings))
    click.echo(_(N_("Next: cd {folder} && vertskap chat; on Telegram: TELEGRAM_BOT_TOKEN=… "
                    "vertskap run --config vertskap.toml"), folder=folder))


@click.command(cls=LocalizedCommand, help=N_(
    "Copy the database to FILE (or a dated file in the folder FILE), also while the bot runs."))
@click.argument("file", type=click.Path(path_type=Path))
@_config
@_db
@_lang_option
def backup(file: Path, config_file: Path | None, database: Path | None, lang: str | None) -> None:
    from bot.ops.backup import BackupError, backup as make_backup

    _ = translator(cli_language(lang))
    source = _database(config_file, database, _)
    try:
        copied = make_backup(source, file)
    except BackupError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    click.echo(_(N_("Backed up {database} to {file}: {rows} rows, {size}, integrity ok."),
                 database=source, file=copied.path, rows=sum(copied.tables.values()),
                 size=_size(copied.bytes)))


@click.command(cls=LocalizedCommand, help=N_(
    "Put the backup FILE in place of the database; the bot must be stopped."))
@click.argument("file", type=click.Path(path_type=Path))
@_config
@_db
@_lang_option
def restore(file: Path, config_file: Path | None, database: Path | None, lang: str | None) -> None:
    from bot.ops.backup import BackupError, backup as make_backup, restore as put_back
    from bot.ops.runlock import DatabaseInUse, is_running

    _ = translator(cli_language(lang))
    target = _database(config_file, database, _)
    try:
        if is_running(target):
            raise DatabaseInUse(str(target))
        kept = None
        if target.is_file():  # what is replaced is kept, so that a wrong restore can be undone
            kept = make_backup(target, target.with_name(target.name + ".before-restore")).path
        restored = put_back(file, target)
    except DatabaseInUse:
        click.echo(_(N_("error: the assistant is running on {database}; stop it first (for "
                        "example: systemctl stop vertskap), then restore"), database=target), err=True)
        sys.exit(1)
    except BackupError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    click.echo(_(N_("Restored {file} to {database}: {rows} rows."), file=file, database=target,
                 rows=sum(restored.tables.values())))
    if kept is not None:
        click.echo(_(N_("The database it replaced is kept in {kept}."), kept=kept))
