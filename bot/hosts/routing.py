"""Which host chat answers whom: the municipality's own, else the regional default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.hosts.office_hours import OfficeHours, OfficeHoursError

DEFAULT = "default"


@dataclass(frozen=True)
class HostChat:
    key: str  # a municipality id or 'default'
    chat_id: int
    office_hours: OfficeHours


@dataclass(frozen=True)
class Routing:
    """Which host chat answers whom: the municipality's, else the regional default."""

    chats: Mapping[str, HostChat]
    follow_up_hours: float = 4.0

    def for_municipality(self, municipality: str | None) -> HostChat:
        return self.chats.get(municipality or DEFAULT) or self.chats[DEFAULT]

    def by_chat(self, chat_id: int) -> HostChat | None:
        return next((c for c in self.chats.values() if c.chat_id == chat_id), None)


def routing_from_settings(hosts: Mapping, municipality_ids, source: str) -> Routing | None:
    """The [hosts] table of the settings, checked against the region's municipalities."""
    from bot.config import ConfigError

    if not hosts:
        return None
    follow = hosts.get("follow_up_hours", 4)
    if isinstance(follow, bool) or not isinstance(follow, (int, float)) or follow <= 0:
        raise ConfigError(f"{source}: hosts.follow_up_hours must be a positive number of working hours")
    chats: dict[str, HostChat] = {}
    known = set(municipality_ids)
    for key, table in hosts.items():
        if key == "follow_up_hours":
            continue
        if key != DEFAULT and key not in known:
            raise ConfigError(f"{source}: [hosts.{key}] is not a municipality of the region; use "
                              f"one of {', '.join(sorted(known))} or 'default'")
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: hosts.{key} must be a table with chat_id and office_hours")
        for name in table:
            if name not in ("chat_id", "office_hours"):
                raise ConfigError(f"{source}: unknown setting hosts.{key}.{name}; a host chat has "
                                  "chat_id and office_hours")
        chat_id = table.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise ConfigError(f"{source}: hosts.{key}.chat_id must be the chat's id, a whole number "
                              "like -1001234567890")
        try:
            hours = OfficeHours.parse(str(table.get("office_hours", "Mon-Fri 08:00-15:30")))
        except OfficeHoursError as exc:
            raise ConfigError(f"{source}: hosts.{key}.office_hours: {exc}") from None
        chats[key] = HostChat(key, chat_id, hours)
    if DEFAULT not in chats:
        raise ConfigError(f"{source}: [hosts.default] is missing: the regional host chat, for "
                          "users without a municipality and municipalities without a host")
    return Routing(chats, float(follow))
