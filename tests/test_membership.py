"""The host chat's members are asked of Telegram once, then remembered for a few minutes."""

from types import SimpleNamespace

from telegram.error import NetworkError

from bot.telegram_app.membership import Membership


class FakeBot:
    """Answers getChatMember from a table; counts the questions."""

    def __init__(self, statuses):
        self.statuses, self.asked = statuses, 0

    async def get_chat_member(self, chat_id, user_id):
        self.asked += 1
        status = self.statuses[user_id]
        if status == "unreachable":
            raise NetworkError("connection reset")
        return SimpleNamespace(status=status)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


async def test_members_admins_and_creators_are_trusted_others_not():
    bot = FakeBot({1: "member", 2: "administrator", 3: "creator", 4: "left", 5: "kicked",
                   6: "restricted"})
    members = Membership()
    assert [await members.is_member(bot, -100, u) for u in range(1, 7)] == \
        [True, True, True, False, False, False]


async def test_an_answer_is_remembered_for_a_while_and_a_failure_not_at_all():
    bot, clock = FakeBot({1: "member", 2: "unreachable"}), Clock()
    members = Membership(remember=300, clock=clock)
    assert await members.is_member(bot, -100, 1) and await members.is_member(bot, -100, 1)
    assert bot.asked == 1
    clock.now = 301
    bot.statuses[1] = "left"
    assert not await members.is_member(bot, -100, 1)
    assert bot.asked == 2
    assert not await members.is_member(bot, -100, 2) and not await members.is_member(bot, -100, 2)
    assert bot.asked == 4
