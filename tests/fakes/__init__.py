"""Fakes of outside services for tests and benchmarks: real servers on loopback, no mocks.

- `bot_api.FakeBotApi`: a Telegram-style Bot API server (`/bot<token>/<method>`), also usable
  for the Zalo Bot Platform, which speaks the same shape of API.
"""

from tests.fakes.bot_api import Call, FakeBotApi, Limits

__all__ = ["Call", "FakeBotApi", "Limits"]
