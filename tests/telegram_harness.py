"""Running the real assistant against the fake Bot API, for the end-to-end tests."""

from bot.config import Settings
from bot.store import Store
from bot.telegram_app import coordinators
from bot.telegram_app.app import SERVICES, build_application, post_init

USER = 4711


class Bot:
    """Starts and stops the assistant the way `vertskap run` does, minus the signals."""

    def __init__(self, api, services, database, clock=None, **settings):
        self.api, self.services, self.database, self.extra = api, services, database, settings
        self.clock = clock
        self.app = self.store = None

    async def start(self):
        settings = Settings(knowledge=self.services.knowledge.root, database=self.database,
                            token=self.api.token, base_url=self.api.base_url,
                            base_file_url=self.api.base_file_url, **self.extra)
        self.store = Store(self.database)
        self.app = build_application(settings, self.services, self.store)
        if self.clock is not None:
            self.app.bot_data[SERVICES].clock = self.clock
        await self.app.initialize()
        await post_init(self.app)
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self

    async def stop(self):
        await coordinators.stop_watching(self.app)
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        self.store.close()


async def converse(api, text, count, user=USER, language="en"):
    before = len(api.to(user))
    api.text(user, text, language=language)
    return await api.wait_for(user, count, since=before)


async def press(api, data, count, user=USER, language="en"):
    before = len(api.to(user))
    api.press(user, data, language=language)
    return await api.wait_for(user, count, since=before)
