"""Replies as Telegram messages: escaped HTML within Telegram's limits, inline buttons."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import Reply

MAX_TEXT = 4096  # characters of a message, Telegram's limit


def link_html(url: str) -> str:
    parts = urlsplit(url)
    shown = (parts.netloc.removeprefix("www.") + parts.path).rstrip("/") or url
    return f'→ <a href="{html.escape(url, quote=True)}">{html.escape(shown)}</a>'


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


def _pieces(text: str, limit: int) -> list[str]:
    """Escaped pieces of a plain text, cut at paragraphs, then lines, then words."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        escaped = html.escape(paragraph, quote=False)
        if len(escaped) <= limit:
            out.append(escaped)
            continue
        for line in paragraph.split("\n"):
            piece = ""
            for word in line.split(" "):
                w = html.escape(word, quote=False)
                while len(w) > limit:  # one endless word: cut it, outside an escape
                    cut = limit
                    amp = w.rfind("&", 0, cut)
                    if amp != -1 and ";" not in w[amp:cut]:
                        cut = amp
                    out.append(w[:cut])
                    w = w[cut:]
                if piece and len(piece) + 1 + len(w) > limit:
                    out.append(piece)
                    piece = w
                else:
                    piece = f"{piece} {w}" if piece else w
            if piece:
                out.append(piece)
    return out


def render(reply: Reply, limit: int = MAX_TEXT) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """One or more (html, keyboard) messages; the buttons come with the last one."""
    blocks = _pieces(reply.text, limit)
    if reply.links:
        blocks.append("\n".join(link_html(u) for u in reply.links))
    if reply.footer:
        blocks += _pieces(reply.footer, limit)
    messages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + 2 + len(block) > limit:
            messages.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    if current or not messages:
        messages.append(current or "…")
    markup = keyboard(reply)
    return [(m, markup if i == len(messages) - 1 else None) for i, m in enumerate(messages)]
