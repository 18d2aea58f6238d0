"""The commands a user sends: /help, /privacy, /forget and the dispatch of the others."""

from __future__ import annotations

from bot.conversation.base import EngineBase
from bot.conversation.turns import Button, Command, Reply, Turn, UserState
from bot.i18n import N_


class Commands(EngineBase):
    """Which command does what; the replies that belong to no other part."""

    COMMANDS = ("start", "help", "language", "municipality", "topics", "host", "privacy", "forget",
                "checklist")

    def _command(self, state: UserState, cmd: Command) -> Turn:
        name = cmd.name.lower().split("@")[0]
        if name == "start":
            return self.start(state, cmd.args, cmd.client_language)
        lang = self.language_of(state)
        if name == "help":
            return Turn(state, (self.help_reply(state, lang),))
        if name == "language":
            return Turn(state, (self.language_prompt(lang),))
        if name == "municipality":
            return Turn(state, (self.municipality_prompt(lang),))
        if name == "topics":
            return Turn(state, (self.topics_reply(state, lang),))
        if name == "host":
            return self.ask_host(state, lang)
        if name == "checklist":
            return self.checklist_command(state, lang, cmd.args.strip().lower())
        if name == "privacy":
            return Turn(state, (Reply(self._(lang, N_(
                "What I store, and why:\n"
                "• your language and municipality, so that I answer for you – until you send /forget;\n"
                "• the questions you ask and your 👍/👎, without your name or number (only a "
                "scrambled code), so that the municipalities can improve the answers – deleted "
                "after {days} days;\n"
                "• if you talk to a host: your first name and the conversation go to the host "
                "chat of your municipality, which keeps it as a case; my own copy of its details "
                "is deleted {days} days after the case is closed.\n"
                "Your phone number is never stored or shared. /forget deletes everything about "
                "you."), days=self.services.retention_days)),))
        if name == "forget":
            return Turn(state, (Reply(
                self._(lang, N_("Shall I delete everything I have stored about you – your choices, "
                                "your questions and your conversations with hosts? This cannot be "
                                "undone.")),
                buttons=((Button(self._(lang, N_("Yes, delete everything")), "fg"),),
                         (Button(self._(lang, N_("No, keep it")), "hn"),))),))
        return Turn(state, (Reply(self._(lang, N_("I do not know that command. Send /help to "
                                                  "see what I can do."))),))

    def help_reply(self, state: UserState, lang: str) -> Reply:
        return Reply(self._(lang, N_(
            "Write your question in your own words, in {languages}. I answer for your "
            "municipality and link to the official pages.\n\n"
            "If I am not sure, I show a few questions to choose from. If I cannot help, "
            "\"Ask a person\" brings in a host from your municipality.\n\n"
            "/topics – browse all questions by topic\n"
            "/checklist – your steps for the first months, with reminders\n"
            "/municipality – choose your municipality\n"
            "/language – choose the language\n"
            "/host – ask a person\n"
            "/privacy – what is stored about you; /forget deletes it\n"
            "/help – this text"), languages=self._language_list(lang)))
