"""Settings: a TOML file (optional) plus the environment, checked before anything starts.

Every setting, its default and its meaning is listed in README.md ("Settings").
A wrong or unknown setting is named with the fix; the token is read from the
environment or a file and never printed.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from bot.shipped import default_knowledge, shipped  # the order is documented there

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILE_API = "https://api.telegram.org/file/bot"


class ConfigError(Exception):
    """The settings are wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str  # the public https address Telegram posts to
    listen: str = "0.0.0.0"
    port: int = 8443
    path: str = "telegram"
    secret_token: str | None = None  # checked on every request Telegram makes


@dataclass(frozen=True)
class Settings:
    knowledge: Path
    database: Path
    token: str = field(repr=False, default="")
    base_url: str = TELEGRAM_API
    base_file_url: str = TELEGRAM_FILE_API
    group_chats: frozenset[int] = frozenset()
    max_concurrent_updates: int = 16
    overall_max_rate: float = 30.0  # messages a second, all chats together (Telegram's limit)
    webhook: WebhookSettings | None = None
    log_level: str = "INFO"
    hosts: dict = field(default_factory=dict)  # the [hosts] table; escalation.routing_from_settings
    drafts: Path | None = None  # where /faq writes draft entries from closed tickets
    source: str = "settings"  # the config file, for messages
    coordinators: frozenset[int] = frozenset()
    coordinator_chat: int | None = None
    retention_days: int = 365
    per_user_per_minute: int = 20


DEFAULT_KNOWLEDGE = shipped("knowledge")  # the wheel's copy, or the checkout's knowledge/


def default_database() -> Path:
    """$XDG_DATA_HOME/vertskap/vertskap.sqlite3 (~/.local/share/… by default)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "vertskap" / "vertskap.sqlite3"


# section -> key -> (type, description) of the settings the file may hold.
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "bot": {
        "knowledge": (str, "path of the knowledge folder"),
        "database": (str, "path of the SQLite file"),
        "token_file": (str, "file holding the bot token (instead of TELEGRAM_BOT_TOKEN)"),
        "group_chats": (list, "ids of group chats the bot answers in"),
        "log_level": (str, "DEBUG, INFO, WARNING or ERROR"),
        "drafts": (str, "folder for draft entries written from closed tickets (/faq)"),
        "coordinators": (list, "Telegram user ids who may use /reload and /stats"),
        "coordinator_chat": (int, "chat id where reload errors and monthly reminders are posted"),
        "retention_days": (int, "days after which records are deleted"),
    },
    "hosts": {},  # host chats: checked against the region by escalation.routing_from_settings
    "telegram": {
        "max_concurrent_updates": (int, "updates handled at once (one user's stay in order)"),
        "overall_max_rate": ((int, float), "messages a second the bot sends at most, all chats together"),
        "per_user_per_minute": (int, "messages a minute one user may send before being asked to slow down"),
    },
    "webhook": {
        "url": (str, "public https address for Telegram's webhook"),
        "listen": (str, "address to listen on"),
        "port": (int, "port to listen on"),
        "path": (str, "URL path of the webhook"),
        "secret_token_file": (str, "file holding the webhook secret token"),
    },
}


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _read_secret(path_text: str, what: str, base: Path) -> str:
    path = (base / Path(path_text).expanduser()).resolve()
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} file {path}: {exc.strerror}") from None
    if not value:
        raise ConfigError(f"the {what} file {path} is empty")
    return value


def _check_file(data: Mapping[str, Any], source: str) -> None:
    for section, values in data.items():
        if section not in SCHEMA:
            raise ConfigError(f"{source}: unknown section [{section}]{_suggest(section, SCHEMA)}; "
                              f"the sections are {', '.join('[' + s + ']' for s in SCHEMA)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{section}] must be a table of settings")
        if section == "hosts":
            continue
        for key, value in values.items():
            if key not in SCHEMA[section]:
                raise ConfigError(f"{source}: unknown setting {section}.{key}"
                                  f"{_suggest(key, SCHEMA[section])}; see README.md, Settings")
            kind, meaning = SCHEMA[section][key]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ConfigError(f"{source}: {section}.{key} must be {_kind_name(kind)} "
                                  f"({meaning}), not {value!r}")


def _kind_name(kind) -> str:
    names = {str: "a text in quotes", int: "a whole number", list: "a list [ … ]"}
    if isinstance(kind, tuple):
        return "a number"
    return names.get(kind, kind.__name__)


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None,
                  need_token: bool = True) -> Settings:
    """Settings from the TOML file at `path` (optional) and the environment."""
    env = os.environ if env is None else env
    data, base, source = _read_file(path)
    bot = data.get("bot", {})
    telegram = data.get("telegram", {})

    knowledge = (base / Path(bot["knowledge"]).expanduser()) if "knowledge" in bot else default_knowledge()
    database = (base / Path(bot["database"]).expanduser()) if "database" in bot else default_database()
    token = _token(env, bot, base, need_token)
    coordinators, retention, groups, level, concurrent, rate = _checked_values(bot, telegram, source)

    webhook = None
    if "webhook" in data:
        webhook = webhook_settings(data["webhook"], base, source)

    return Settings(
        knowledge=knowledge.resolve(),
        database=database,
        token=token,
        base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API,
        base_file_url=env.get("TELEGRAM_API_BASE_FILE_URL") or TELEGRAM_FILE_API,
        group_chats=frozenset(groups),
        max_concurrent_updates=concurrent,
        overall_max_rate=rate,
        webhook=webhook,
        log_level=level,
        hosts=dict(data.get("hosts", {})),
        drafts=(base / Path(bot["drafts"]).expanduser()) if "drafts" in bot else None,
        source=source,
        coordinators=frozenset(coordinators),
        coordinator_chat=bot.get("coordinator_chat"),
        retention_days=retention,
        per_user_per_minute=max(1, int(telegram.get("per_user_per_minute", 20))),
    )


def _read_file(path: Path | None) -> tuple[dict[str, Any], Path, str]:
    """The TOML file's values, the folder its paths are relative to, and its name for messages."""
    if path is None:
        return {}, Path.cwd(), "settings"
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    _check_file(data, source)
    return data, path.resolve().parent, source


def _token(env: Mapping[str, str], bot: Mapping[str, Any], base: Path, need_token: bool) -> str:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token and "token_file" in bot:
        token = _read_secret(bot["token_file"], "token", base)
    if need_token and not token:
        raise ConfigError("no bot token: set TELEGRAM_BOT_TOKEN (from @BotFather), or bot.token_file "
                          "in the config file")
    if token and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError("the bot token does not look like one from @BotFather "
                          "(digits, a colon, then letters); check TELEGRAM_BOT_TOKEN")
    return token


def _checked_values(bot: Mapping[str, Any], telegram: Mapping[str, Any], source: str) -> tuple:
    """(coordinators, retention days, group chats, log level, concurrent updates, rate), checked."""
    coordinators = bot.get("coordinators", [])
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in coordinators):
        raise ConfigError(f"{source}: bot.coordinators must be a list of Telegram user ids")
    retention = bot.get("retention_days", 365)
    if retention < 1:
        raise ConfigError(f"{source}: bot.retention_days must be 1 or more")
    groups = bot.get("group_chats", [])
    if not all(isinstance(g, int) and not isinstance(g, bool) for g in groups):
        raise ConfigError(f"{source}: bot.group_chats must be a list of chat ids (whole numbers)")
    level = str(bot.get("log_level", "INFO")).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"{source}: bot.log_level must be DEBUG, INFO, WARNING or ERROR")
    concurrent = telegram.get("max_concurrent_updates", 16)
    if concurrent < 1:
        raise ConfigError(f"{source}: telegram.max_concurrent_updates must be 1 or more")
    rate = float(telegram.get("overall_max_rate", 30))
    if rate < 0:
        raise ConfigError(f"{source}: telegram.overall_max_rate must be 0 (no limit) or more")
    return coordinators, retention, groups, level, concurrent, rate


def webhook_settings(values: Mapping[str, Any], base: Path, source: str) -> WebhookSettings:
    url = values.get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ConfigError(f"{source}: webhook.url must be the public https:// address of the bot")
    port = values.get("port", 8443)
    if not 0 < port < 65536:
        raise ConfigError(f"{source}: webhook.port must be between 1 and 65535")
    secret = None
    if "secret_token_file" in values:
        secret = _read_secret(values["secret_token_file"], "webhook secret", base)
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", secret)
    if secret is not None and not _valid_secret(secret):
        raise ConfigError("the webhook secret token may hold only A-Z, a-z, 0-9, '_' and '-' "
                          "(1 to 256 characters)")
    return WebhookSettings(url=url, listen=values.get("listen", "0.0.0.0"), port=port,
                           path=values.get("path", "telegram").strip("/"), secret_token=secret)


def _valid_secret(secret: str) -> bool:
    return 0 < len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
