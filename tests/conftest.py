import os
from pathlib import Path

import pytest

from bot.conversation import Engine
from bot.knowledge import load_knowledge
from bot.matching import Matcher
from bot.services import load_services

# Tests build from many temporary folders: no prepared copies in the user's cache
# (tests/test_prepared.py checks the cache on its own, in a temporary folder).
os.environ["VERTSKAP_NO_CACHE"] = "1"
# The command line speaks the locale's language; the tests read English unless they choose.
os.environ["LANGUAGE"] = "en"

HERE = Path(__file__).resolve().parent
REGION = HERE / "fixtures" / "region"
ROOT = HERE.parent


@pytest.fixture(scope="session")
def region_dir() -> Path:
    return REGION


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge(REGION)


@pytest.fixture(scope="session")
def matcher(knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.fixture(scope="session")
def services():
    return load_services(REGION)


@pytest.fixture()
def engine(services) -> Engine:
    return Engine(services)


@pytest.fixture()
async def api():
    """The fake Telegram Bot API on loopback (tests/fakebotapi.py)."""
    from fakebotapi import FakeBotApi

    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()
