"""When to try a failed send again."""

from __future__ import annotations

import random

DEFAULT_BASE_SECONDS = 60.0
DEFAULT_CAP_SECONDS = 4 * 3600.0
DEFAULT_MAX_ATTEMPTS = 10
"""With the defaults, ten attempts span about 17 hours: a platform outage of most of a day."""


def retry_delay(
    attempts: int,
    retry_after: float | None = None,
    *,
    base: float = DEFAULT_BASE_SECONDS,
    cap: float = DEFAULT_CAP_SECONDS,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: exponential, with jitter.

    The jitter (a random 50–100 % of the step) keeps many reminders that failed together from
    retrying together. The platform's own `retry_after` is a floor, never shortened.
    """
    step = min(cap, base * 2.0 ** max(attempts - 1, 0))
    delay: float = step * (0.5 + 0.5 * (rng or random).random())
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
