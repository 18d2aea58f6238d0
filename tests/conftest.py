import copy
import dataclasses
import os
import tempfile
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
# Question embeddings are kept by text in $XDG_CACHE_HOME/vertskap: one folder for the
# whole run (subprocesses too), never the user's own cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="vertskap-test-cache-")

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


@pytest.fixture(scope="session")
def doubtful_services(services):
    """The fixture services with a matcher that is never sure enough to answer: every
    message it finds candidates for gets suggestions, whatever its probabilities."""
    matcher = copy.copy(services.matcher)
    matcher.calibration = dataclasses.replace(matcher.calibration, answer=1.01)
    return dataclasses.replace(services, matcher=matcher)


@pytest.fixture()
async def api():
    """The fake Telegram Bot API on loopback (tests/fakebotapi.py)."""
    from fakebotapi import FakeBotApi

    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()
