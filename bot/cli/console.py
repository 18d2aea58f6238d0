"""The terminal chat: the same engine as on Telegram, buttons as numbered choices."""

from __future__ import annotations

from typing import Callable, Iterable

from bot.conversation import Button, ButtonPress, Command, Engine, Reply, TextMessage, UserState

QUIT = {"/quit", "/exit", "/q"}


def render(replies: Iterable[Reply], numbered: list[Button]) -> str:
    """Replies as terminal text; their buttons are appended to `numbered`."""
    blocks = []
    for reply in replies:
        lines = [reply.text]
        lines += [f"  → {link}" for link in reply.links]
        if reply.footer:
            lines.append(reply.footer)
        for row in reply.buttons:
            cells = []
            for button in row:
                numbered.append(button)
                cells.append(f"[{len(numbered)}] {button.label}")
            lines.append("  " + "   ".join(cells))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def parse_input(line: str, buttons: list[Button]):
    """An event for a typed line: a button number, a /command, or text."""
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return ButtonPress(buttons[int(stripped) - 1].data)
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        return Command(name, args.strip())
    return TextMessage(line)


def chat(engine: Engine, read: Callable[[str], str], write: Callable[[str], None],
         municipality: str | None = None, language: str | None = None) -> UserState:
    """Runs the conversation until end of input or /quit; returns the final state.

    A given municipality (and language) start the chat as a deep link would.
    """
    state = UserState(language=language)
    buttons: list[Button] = []
    payload = "-".join(x for x in (municipality, language) if x) if municipality else ""
    turn = engine.handle(state, Command("start", payload, client_language=language))
    state = turn.state
    write(render(turn.replies, buttons))
    while True:
        reminder = engine.reminders(state, engine.services.today())  # due steps, at the next input
        if reminder is not None:
            state = reminder.state
            write(render(reminder.replies, buttons))
        try:
            line = read("\n> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return state
        if line.strip().lower() in QUIT:
            return state
        if not line.strip():
            continue
        event = parse_input(line, buttons)
        buttons = []
        turn = engine.handle(state, event)
        state = turn.state
        write(render(turn.replies, buttons))
