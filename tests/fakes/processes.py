"""Running `nhacviec run` as a real process against a test database and a fake Bot API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NHACVIEC = [sys.executable, "-c", "from bot.cli import main; main()"]

# Seconds instead of minutes, no flood limits unless a test sets them, quiet logs.
FAST_ENGINE = {
    "SWEEP_SECONDS": "1",
    "OUTBOX_LEASE_SECONDS": "8",
    "OUTBOX_RETRY_BASE_SECONDS": "0.2",
    "OUTBOX_RETRY_CAP_SECONDS": "1",
    "OUTBOX_CATCH_UP_GRACE_SECONDS": "600",
    "TELEGRAM_MAX_PER_SECOND": "0",
    "TELEGRAM_CHAT_INTERVAL_SECONDS": "0",
    "TELEGRAM_GROUP_PER_MINUTE": "0",
    "ZALO_MAX_PER_SECOND": "0",
    "ZALO_CHAT_INTERVAL_SECONDS": "0",
    "TELEGRAM_TIMEOUT_SECONDS": "2",
    "LOG_LEVEL": "WARNING",
}


def run_env(
    database_url: str, api_url: str | None = None, token: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a `nhacviec` process: nothing inherited that could change its settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_", "OUTBOX_"))
    }
    env.update(FAST_ENGINE)
    env["DATABASE_URL"] = database_url
    if api_url is not None:
        env["TELEGRAM_API_URL"] = api_url
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    env.update(extra)
    return env


def start_run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    """`nhacviec run --no-materialise ARGS` in the background (stdout and stderr captured)."""
    return subprocess.Popen(
        [*NHACVIEC, "run", "--no-materialise", *args],
        env=env,
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
