"""Hosts: who gets a ticket, office hours, and when a silent ticket is raised again. No Telegram."""

from bot.hosts.escalation import (DAYS, DEFAULT, OSLO, HostChat, OfficeHours, OfficeHoursError,
                                  Routing, Ticket, routing_from_settings)

__all__ = ["DAYS", "DEFAULT", "OSLO", "HostChat", "OfficeHours", "OfficeHoursError", "Routing",
           "Ticket", "routing_from_settings"]
