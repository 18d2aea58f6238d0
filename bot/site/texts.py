"""The website's own words, as message ids for the catalogs (the content comes from the knowledge).

Templates read them as `t.name` or `t("name", value=…)`; a name missing here
stops the build (the environment's undefined is strict).
"""

from __future__ import annotations

from bot.i18n import I18n, N_

MESSAGES = {
    "skip": N_("Skip to the content"),
    "home": N_("Front page"),
    "search": N_("Search"),
    "search_label": N_("Search the answers"),
    "search_needs_js": N_("The search needs JavaScript. You can also find every answer from the "
                          "page of your municipality."),
    "searching": N_("Searching …"),
    "search_none": N_("No answer found for “{query}”. Try other words, or ask on Telegram."),
    "search_count": N_("Answers found for “{query}”: {count}"),
    "languages": N_("Language"),
    "breadcrumb": N_("You are here"),
    "welcome": N_("Welcome to {region}"),
    "intro": N_("Answers for newcomers to the municipalities of {region}, kept by their hosts: "
                "work, tax, housing, school, health and everyday life."),
    "choose_language": N_("Choose your language"),
    "emergency": N_("Emergency numbers"),
    "ambulance": N_("Ambulance"),
    "police": N_("Police"),
    "fire": N_("Fire brigade"),
    "municipalities": N_("Choose your municipality"),
    "contents": N_("Topics on this page"),
    "telegram": N_("Ask on Telegram"),
    "telegram_text": N_("Ask the assistant in your own words, at any hour, in {languages}. Scan the "
                        "code with your phone or open the link."),
    "telegram_link": N_("Open the assistant for {municipality} on Telegram"),
    "telegram_topic": N_("Ask about this on Telegram"),
    "qr": N_("QR code of the link to the assistant for {municipality} on Telegram"),
    "host": N_("Ask a person"),
    "host_text": N_("When the assistant cannot help, a host of {municipality} takes over the "
                    "conversation on Telegram."),
    "office_hours": N_("Office hours: {hours} (Norwegian time)"),
    "website": N_("Website of {municipality}"),
    "checklist": N_("Arrival checklist"),
    "checklist_intro": N_("The steps of the first months in {municipality}, in the order they are due."),
    "for_all": N_("For everyone"),
    "for_eu": N_("For citizens of the EU/EEA"),
    "for_non_eu": N_("For citizens of countries outside the EU/EEA"),
    "for_children": N_("For families with children"),
    "for_armed_forces": N_("For Armed Forces families"),
    "due_now": N_("Right after arrival"),
    "due_days": N_("Day {days} after arrival"),
    "due_yearly": N_("Every year by {date}"),
    "read_more": N_("Read more"),
    "reviewed": N_("Last checked: {date}"),
    "in_fallback": N_("This answer is not yet written in {language}; here it is in {fallback}."),
    "not_found": N_("Page not found"),
    "not_found_text": N_("This page does not exist, or no longer. Start again from the front page."),
    "footer": N_("The answers are written and checked by the municipalities of {region}. This site "
                 "sets no cookies and uses no trackers."),
}

AUDIENCE_KEYS = {"all": "for_all", "eu": "for_eu", "non-eu": "for_non_eu",
                 "children": "for_children", "armed-forces": "for_armed_forces"}

EMERGENCY_NUMBERS = (("113", "ambulance"), ("112", "police"), ("110", "fire"))


class Texts:
    """The messages in one language: `t.search`, or `t("welcome", region=…)`."""

    def __init__(self, i18n: I18n, lang: str):
        self._i18n, self._lang = i18n, lang

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in MESSAGES:
            raise AttributeError(name)
        return self._i18n.gettext(self._lang, MESSAGES[name])

    def __call__(self, name: str, **values) -> str:
        return self._i18n.gettext(self._lang, MESSAGES[name], **values)
