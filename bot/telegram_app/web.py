"""Health, metrics and the webhook on one small HTTP server, and the bot's run modes with it.

In webhook mode the server answers Telegram at `/<path>` (checking the secret token
as PTB's own server does) and `GET /healthz`, `GET /metrics`; PTB's built-in webhook
server cannot take more routes, so this module runs the application's life cycle the
way `Application.run_webhook` does. In polling mode the same server, without the
webhook route, starts on `--metrics-port` with the application.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sqlite3
import time
from http import HTTPStatus
from typing import Any, Awaitable

import tornado.web
from tornado.httpserver import HTTPServer
from telegram import Update
from telegram.ext import Application

from bot.ops.metrics import CONTENT_TYPE, Metrics
from bot.telegram_app.context import vertskap
from bot.telegram_app.coordinators import RELOADER
from bot.telegram_app.processor import PerUserUpdateProcessor

log = logging.getLogger(__name__)

METRICS = "metrics"  # the key in application.bot_data
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class MeasuredUpdateProcessor(PerUserUpdateProcessor):
    """The per-user processor, timing each update for the metrics."""

    def __init__(self, max_concurrent_updates: int, metrics: Metrics):
        super().__init__(max_concurrent_updates)
        self.metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        start = time.perf_counter()
        try:
            await super().do_process_update(update, coroutine)
        finally:
            self.metrics.handled(time.perf_counter() - start)


def install(application: Application, metrics: Metrics) -> None:
    """Keeps the metrics with the application and lets them read the live figures."""

    def live() -> dict[str, float]:
        app = vertskap(application)
        reloader = application.bot_data.get(RELOADER)
        return {"vertskap_tickets_open": sum(t.status == "open" for t in app.store.tickets()),
                "vertskap_reload_failures": reloader.failures if reloader else 0,
                "vertskap_knowledge_entries": len(app.services.knowledge.entries)}

    metrics.live(live)
    application.bot_data[METRICS] = metrics


def count_turn(context, records) -> None:
    """Counts a turn's questions, if the application has metrics."""
    metrics = context.bot_data.get(METRICS)
    if metrics is not None:
        metrics.counted(records)


def _writable(path) -> bool:
    """Whether the database takes a write now (a write lock taken and given back at once)."""
    try:
        db = sqlite3.connect(path, timeout=2)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        finally:
            db.close()
        return True
    except sqlite3.Error:
        return False


async def health(application: Application) -> tuple[bool, dict]:
    """Knowledge loaded, database writable, application running, and the last update's age."""
    app = vertskap(application)
    metrics: Metrics | None = application.bot_data.get(METRICS)
    entries = len(app.services.knowledge.entries)
    writable = await asyncio.to_thread(_writable, app.store.path)
    age = metrics.last_update_age() if metrics else -1.0
    checks = {"knowledge_entries": entries, "database_writable": writable,
              "running": application.running,
              "last_update_seconds_ago": None if age < 0 else age}
    ok = entries > 0 and writable and application.running
    return ok, {"status": "ok" if ok else "failing", **checks}


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application) -> None:
        self.application_ = bot_app

    async def get(self) -> None:
        ok, body = await health(self.application_)
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class MetricsHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application) -> None:
        self.application_ = bot_app

    def get(self) -> None:
        metrics: Metrics = self.application_.bot_data[METRICS]
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(metrics.exposition())


class WebhookHandler(tornado.web.RequestHandler):
    """Telegram's updates: refused without the secret token, as PTB's own server does."""

    def initialize(self, bot_app: Application, secret_token: str | None) -> None:
        self.application_, self.secret_token = bot_app, secret_token

    async def post(self) -> None:
        if self.secret_token is not None \
                and self.request.headers.get(SECRET_HEADER) != self.secret_token:
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(self.request.body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        update = Update.de_json(data, self.application_.bot)
        if update is not None:
            await self.application_.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ, value, tb) -> None:  # a refused request is no error
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


def web_app(application: Application, webhook=None) -> tornado.web.Application:
    routes: list = [(r"/healthz", HealthHandler, {"bot_app": application}),
                    (r"/metrics", MetricsHandler, {"bot_app": application})]
    if webhook is not None:
        routes.append((rf"/{webhook.path}/?", WebhookHandler,
                       {"bot_app": application, "secret_token": webhook.secret_token}))
    return tornado.web.Application(routes, log_function=lambda handler: None)


class OpsServer:
    """The HTTP server on the application's event loop."""

    def __init__(self, application: Application, listen: str, port: int, webhook=None):
        self.application, self.listen, self.port, self.webhook = application, listen, port, webhook
        self._server: HTTPServer | None = None

    def start(self) -> None:
        """Listens on the running event loop."""
        self._server = HTTPServer(web_app(self.application, self.webhook), xheaders=True)
        self._server.listen(self.port, self.listen)
        log.info("health and metrics on http://%s:%s/healthz and /metrics", self.listen, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def serve_while_polling(application: Application, listen: str, port: int) -> None:
    """Starts the health and metrics server with the application, and stops it after."""
    server = OpsServer(application, listen, port)
    after_init, after_shutdown = application.post_init, application.post_shutdown

    async def post_init(app: Application) -> None:
        server.start()
        if after_init:
            await after_init(app)

    async def post_shutdown(app: Application) -> None:
        await server.stop()
        if after_shutdown:
            await after_shutdown(app)

    application.post_init, application.post_shutdown = post_init, post_shutdown


def run_webhook(application: Application, webhook, allowed_updates,
                metrics_at: tuple[str, int] | None = None) -> None:
    """`Application.run_webhook`, with health and metrics on the webhook's server.

    With `metrics_at` (listen, port) they are served there too, for a health check
    or a scraper that should not reach the public webhook port.
    """
    asyncio.run(_run_webhook(application, webhook, allowed_updates, metrics_at))


async def _run_webhook(application: Application, webhook, allowed_updates, metrics_at) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    servers = [OpsServer(application, webhook.listen, webhook.port, webhook)]
    if metrics_at:
        servers.append(OpsServer(application, *metrics_at))
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        for server in servers:
            server.start()
        await application.bot.set_webhook(
            url=f"{webhook.url.rstrip('/')}/{webhook.path}", secret_token=webhook.secret_token,
            allowed_updates=allowed_updates)
        await application.start()
        await stop.wait()
    finally:
        for server in servers:
            await server.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
