"""The users table: each user's language, municipality and checklist progress."""

from __future__ import annotations

from bot.conversation import UserState
from bot.knowledge.checklist import Progress
from bot.store.database import Database, utcnow


class UserRows(Database):
    """Users are numbers; their state is what the conversation engine keeps."""

    def user(self, user_id: int) -> UserState:
        row = self._db.execute(
            "SELECT language, municipality, onboarded, checklist FROM users WHERE user_id = ?",
            (user_id,)).fetchone()
        if row is None:
            return UserState()
        return UserState(language=row[0], municipality=row[1], onboarded=bool(row[2]),
                         checklist=Progress.from_json(row[3]))

    def users_with_checklist(self) -> list[tuple[int, UserState]]:
        ids = [r[0] for r in self._db.execute(
            "SELECT user_id FROM users WHERE checklist IS NOT NULL ORDER BY user_id").fetchall()]
        return [(i, self.user(i)) for i in ids]

    def save_user(self, user_id: int, state: UserState) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_id, language, municipality, onboarded, checklist, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "language = excluded.language, municipality = excluded.municipality, "
                "onboarded = excluded.onboarded, checklist = excluded.checklist, "
                "updated_at = excluded.updated_at",
                (user_id, state.language, state.municipality, int(state.onboarded),
                 state.checklist.to_json() if state.checklist else None, utcnow().isoformat()))
