"""A fake Telegram Bot API server on loopback, for end-to-end tests and benchmarks.

It speaks HTTP like api.telegram.org (`/bot<token>/<method>`), so the real
python-telegram-bot `Application` talks to it unchanged through
TELEGRAM_API_BASE_URL. It checks what the bot sends as Telegram would (text
length, HTML that Telegram can parse, callback data within 64 bytes) and keeps
every call, so that tests can assert on the conversation.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "span", "tg-spoiler", "blockquote", "tg-emoji"}
BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Vertskap", "username": "vertskap_test_bot"}


class TelegramHTML(HTMLParser):
    """Parses a message as Telegram's HTML mode does, collecting problems."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unsupported start tag \"{tag}\"")
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("a link without href")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"can't find end tag corresponding to start tag \"{tag}\"")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def unknown_decl(self, data):
        self.problems.append("unsupported declaration")


def check_html(text: str) -> tuple[str, list[str]]:
    """The plain text Telegram would show, and what it would reject."""
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    problems = list(parser.problems)
    if parser.stack:
        problems.append(f"unclosed tags {parser.stack}")
    return "".join(parser.text), problems


@dataclass
class Sent:
    """A message the bot sent."""

    message_id: int
    chat_id: int
    text: str  # as Telegram shows it (entities parsed)
    html: str  # as the bot sent it
    buttons: list[list[dict]] = field(default_factory=list)
    at: float = field(default_factory=time.perf_counter)  # when it arrived
    thread_id: int | None = None  # the forum topic it went to

    @property
    def button_data(self) -> list[str]:
        return [b.get("callback_data", "") for row in self.buttons for b in row]

    @property
    def button_labels(self) -> list[str]:
        return [b.get("text", "") for row in self.buttons for b in row]


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


class FakeBotApi:
    def __init__(self, token: str = "123456:TEST-token-abcdefghijklmnop", delay: float = 0.0):
        self.token = token
        self.delay = delay  # seconds added to every call, as the real network does
        self.updates: list[dict] = []
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict]] = []
        self.errors: list[str] = []  # requests Telegram would have refused
        self.commands: dict[str | None, list[dict]] = {}
        self.callback_answers: list[str] = []
        self.groups: dict[int, dict] = {}  # supergroups the bot is in: {"forum": …, "admin": …}
        # getChatMember's status of people in those groups: {chat: {user: "member", …}};
        # anyone not named has left (Telegram says 'left' for people who never joined).
        self.members: dict[int, dict[int, str]] = {}
        self.topics: list[tuple[int, int, str]] = []  # (chat, thread, name) created by the bot
        self.blocked: set[int] = set()  # users who blocked the bot
        self.faults: list[list] = []  # [method, kind, times]: kind 429, 500 or reset
        self.offered: dict[int, float] = {}  # update id -> when getUpdates first handed it out
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_sent = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(await request.post())
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params

    def delay_for(self, method: str, params: dict) -> float:
        """Seconds to wait before answering this call; tests may replace it."""
        return self.delay

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        for fault in self.faults:
            if fault[0] == method and fault[2] > 0:
                fault[2] -= 1
                self.calls.append((f"{method}:{fault[1]}", params))
                if fault[1] == 429:
                    return web.json_response({"ok": False, "error_code": 429,
                                              "description": "Too Many Requests: retry after 1",
                                              "parameters": {"retry_after": 1}}, status=429)
                if fault[1] == 500:
                    return web.json_response({"ok": False, "error_code": 500,
                                              "description": "Internal Server Error"}, status=500)
                if fault[1] == "reset":
                    request.transport.abort()
                    return web.Response(status=500)
        wait = self.delay_for(method, params)
        if wait:
            await asyncio.sleep(wait)
        if method != "getUpdates":
            self.calls.append((method, params))
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return self._ok(True)
        return await handler(params)

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    def _bad(self, description: str) -> web.Response:
        self.errors.append(description)
        return web.json_response({"ok": False, "error_code": 400,
                                  "description": f"Bad Request: {description}"}, status=400)

    # ----------------------------------------------------------------- methods

    async def api_getMe(self, params) -> web.Response:
        return self._ok(BOT_USER)

    async def api_getUpdates(self, params) -> web.Response:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 10.0)
        if not self.updates and timeout:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        now = time.perf_counter()
        for u in self.updates[:limit]:
            self.offered.setdefault(u["update_id"], now)
        return self._ok(self.updates[:limit])

    async def api_setMyCommands(self, params) -> web.Response:
        commands = params.get("commands") or []
        for c in commands:
            if not (1 <= len(c.get("command", "")) <= 32 and 1 <= len(c.get("description", "")) <= 256):
                return self._bad("BOT_COMMAND_INVALID")
        self.commands[params.get("language_code")] = commands
        return self._ok(True)

    async def api_getChat(self, params) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id not in self.groups:
            return self._bad("chat not found")
        return self._ok({"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}",
                         "is_forum": self.groups[chat_id].get("forum", True),
                         "accent_color_id": 0, "max_reaction_count": 11,
                         "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                                 "unique_gifts": False, "premium_subscription": False,
                                                 "gifts_from_channels": False}})

    async def api_getChatMember(self, params) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id not in self.groups:
            return self._bad("chat not found")
        user_id = int(params["user_id"])
        if user_id == BOT_USER["id"]:
            status = "administrator" if self.groups[chat_id].get("admin", True) else "member"
            user = BOT_USER
        else:
            status = self.members.get(chat_id, {}).get(user_id, "left")
            user = self.user(user_id, None)
        member = {"status": status, "user": user}
        if status == "kicked":
            member["until_date"] = 0
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update({"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                           "can_delete_messages": True, "can_manage_video_chats": True,
                           "can_restrict_members": True, "can_promote_members": False,
                           "can_change_info": True, "can_invite_users": True,
                           "can_post_stories": False, "can_edit_stories": False,
                           "can_delete_stories": False, "can_manage_topics": True})
        return self._ok(member)

    async def api_createForumTopic(self, params) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id not in self.groups or not self.groups[chat_id].get("forum", True):
            return self._bad("the chat is not a forum")
        thread_id = next(self._message_ids)
        self.topics.append((chat_id, thread_id, str(params.get("name"))))
        return self._ok({"message_thread_id": thread_id, "name": params.get("name"),
                         "icon_color": 7322096})

    async def api_copyMessage(self, params) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"},
                                     status=403)
        sent = Sent(next(self._message_ids), chat_id, f"[copy of {params['from_chat_id']}/"
                    f"{params['message_id']}]", "", [], thread_id=_int(params.get("message_thread_id")))
        self.sent.append(sent)
        self._new_sent.set()
        return self._ok({"message_id": sent.message_id})

    async def api_answerCallbackQuery(self, params) -> web.Response:
        self.callback_answers.append(str(params.get("callback_query_id")))
        return self._ok(True)

    async def api_sendMessage(self, params) -> web.Response:
        if int(params["chat_id"]) in self.blocked:
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"},
                                     status=403)
        html = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            text, problems = check_html(html)
            if problems:
                return self._bad(f"can't parse entities: {problems[0]}")
        else:
            text = html
        if not text.strip():
            return self._bad("message text is empty")
        if len(text) > 4096:
            return self._bad("message is too long")
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        for row in buttons:
            for b in row:
                if not b.get("text"):
                    return self._bad("text buttons are unallowed in the inline keyboard")
                if len(str(b.get("callback_data", "")).encode()) > 64:
                    return self._bad("BUTTON_DATA_INVALID")
        sent = Sent(next(self._message_ids), int(params["chat_id"]), text, html, buttons,
                    thread_id=_int(params.get("message_thread_id")))
        self.sent.append(sent)
        self._new_sent.set()
        result = {"message_id": sent.message_id, "date": int(time.time()),
                  "chat": {"id": sent.chat_id, "type": "private"}, "from": BOT_USER, "text": text}
        if buttons:
            result["reply_markup"] = {"inline_keyboard": buttons}
        return self._ok(result)

    # ----------------------------------------------------------------- the user's side

    def _push(self, update: dict) -> dict:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self._new_update.set()
        return update

    @staticmethod
    def user(user_id: int, language: str | None = "en") -> dict:
        u = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language:
            u["language_code"] = language
        return u

    def _message(self, user_id: int, language: str | None, chat_id: int | None,
                 chat_type: str) -> dict:
        chat_id = chat_id if chat_id is not None else user_id
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": chat_type, "first_name": f"User{user_id}"},
                "from": self.user(user_id, language)}

    def text(self, user_id: int, text: str, language: str | None = "en",
             chat_id: int | None = None, chat_type: str = "private") -> dict:
        message = self._message(user_id, language, chat_id, chat_type)
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._push({"message": message})

    def photo(self, user_id: int, language: str | None = "en") -> dict:
        message = self._message(user_id, language, None, "private")
        message["photo"] = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        return self._push({"message": message})

    def sticker(self, user_id: int, language: str | None = "en") -> dict:
        message = self._message(user_id, language, None, "private")
        message["sticker"] = {"file_id": "CAAD", "file_unique_id": "AgAD", "width": 512,
                              "height": 512, "is_animated": False, "is_video": False,
                              "type": "regular"}
        return self._push({"message": message})

    def press(self, user_id: int, data: str, message: Sent | None = None,
              language: str | None = "en") -> dict:
        source = message or (self.sent[-1] if self.sent else None)
        msg = {"message_id": source.message_id if source else 1, "date": int(time.time()),
               "chat": {"id": user_id, "type": "private"}, "from": BOT_USER,
               "text": source.text if source else "…"}
        return self._push({"callback_query": {
            "id": str(next(self._update_ids) + 10_000), "from": self.user(user_id, language),
            "chat_instance": f"ci{user_id}", "data": data, "message": msg}})

    def in_topic(self, chat_id: int, thread_id: int, user_id: int, text: str | None = None,
                 photo: bool = False, sender_chat: int | None = None) -> dict:
        """Someone writes in a forum topic of a group; with `sender_chat`, on behalf of a channel."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}",
                            "is_forum": True},
                   "from": self.user(user_id, "nb"), "message_thread_id": thread_id,
                   "is_topic_message": True}
        if sender_chat is not None:  # Telegram's placeholder sender is a bot; a person here
            # makes sure that sender_chat alone keeps the message from the newcomer
            message["sender_chat"] = {"id": sender_chat, "type": "channel",
                                      "title": f"Channel {sender_chat}"}
            message["from"] = {"id": user_id, "is_bot": False, "first_name": "Channel"}
        if photo:
            message["photo"] = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 9,
                                 "height": 9}]
        else:
            message["text"] = text or ""
            if message["text"].startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": len(message["text"].split()[0])}]
        return self._push({"message": message})

    def in_topic_messages(self, chat_id: int, thread_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id and s.thread_id == thread_id]

    # ----------------------------------------------------------------- waiting

    async def wait_for(self, chat_id: int, count: int, since: int = 0,
                       timeout: float = 10.0) -> list[Sent]:
        """The messages sent to `chat_id` after the first `since` ones, once there are `count`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            got = [s for s in self.sent if s.chat_id == chat_id][since:]
            if len(got) >= count:
                return got
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} messages to {chat_id}, got {len(got)}: "
                                     f"{[g.text[:60] for g in got]}; errors: {self.errors}")
            self._new_sent.clear()
            try:
                await asyncio.wait_for(self._new_sent.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]
