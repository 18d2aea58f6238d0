"""The Telegram adapter: python-telegram-bot wired to the engine. No matching or content here."""
