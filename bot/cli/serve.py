"""`vertskap run`: the assistant on Telegram (the adapter does the Telegram part)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.group import _services, main
from bot.i18n import N_


@main.command(help=N_("Run the assistant on Telegram (long polling, or a webhook)."))
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help="The TOML settings file (see README.md, Settings). Optional.")
@click.option("--webhook-url", default=None, help="Run with a webhook at this public https URL.")
@click.option("--listen", default=None, help="Webhook: the address to listen on (default 0.0.0.0).")
@click.option("--port", type=int, default=None, help="Webhook: the port to listen on (default 8443).")
@click.option("--secret-token", default=None, help="Webhook: the secret Telegram must send "
              "(or TELEGRAM_WEBHOOK_SECRET).")
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None,
              help="Serve /healthz and /metrics on this port (a webhook's own port serves them too).")
@click.option("--metrics-listen", default="127.0.0.1", show_default=True,
              help="The address for --metrics-port.")
def run(config_file: Path | None, webhook_url: str | None, listen: str | None, port: int | None,
        secret_token: str | None, metrics_port: int | None, metrics_listen: str) -> None:
    from bot.config import ConfigError
    from bot.logs import setup_logging
    from bot.ops.runlock import DatabaseInUse, RunLock
    from bot.store import StoreError

    try:
        settings = _settings_with_webhook(config_file, webhook_url, listen, port, secret_token)
        services = _services(settings.knowledge)
        _add_hosts(services, settings)
        run_lock = RunLock(settings.database)  # held until the process ends; restore checks it
        store = _open_store(settings)
    except (ConfigError, StoreError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except DatabaseInUse:
        click.echo(f"error: another vertskap run uses the database {settings.database}", err=True)
        sys.exit(1)
    setup_logging(settings.log_level, [settings.token,
                                       settings.webhook.secret_token if settings.webhook else ""])
    from bot.telegram_app.runner import ApiUnreachable, TokenRejected, run_application

    try:
        run_application(settings, services, store,
                        (metrics_listen, metrics_port) if metrics_port else None)
    except OSError as exc:
        click.echo(f"error: cannot listen: {exc.strerror or exc}", err=True)
        sys.exit(1)
    except TokenRejected:
        click.echo("error: Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN (ask "
                   "@BotFather for the token of your bot)", err=True)
        sys.exit(1)
    except ApiUnreachable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        store.close()
        run_lock.release()


def _settings_with_webhook(config_file, webhook_url, listen, port, secret_token):
    """The settings file's values, with the webhook options of the command line on top."""
    import dataclasses
    import os

    from bot.config import load_settings, webhook_settings

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
    return settings


def _add_hosts(services, settings) -> None:
    """The host chats and the retention time from the settings; raises ConfigError."""
    from bot.hosts import routing_from_settings

    services.hosts = routing_from_settings(
        settings.hosts, [m.id for m in services.knowledge.region.municipalities], settings.source)
    services.retention_days = settings.retention_days


def _open_store(settings):
    from bot.store import Store

    return Store(settings.database)
