"""Hosts: who gets a ticket, office hours, and when a silent ticket is raised again. No Telegram.

The adapter creates the topic and copies messages; these modules decide which
host chat gets a ticket (`routing`), when it is staffed (`office_hours`) and
what a ticket holds (`tickets`).
"""

from bot.hosts.office_hours import DAYS, OSLO, OfficeHours, OfficeHoursError
from bot.hosts.routing import DEFAULT, HostChat, Routing, routing_from_settings
from bot.hosts.tickets import Ticket

__all__ = ["DAYS", "DEFAULT", "OSLO", "HostChat", "OfficeHours", "OfficeHoursError", "Routing",
           "Ticket", "routing_from_settings"]
