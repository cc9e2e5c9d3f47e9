"""What people receive in the demo, message by message (`nhacviec demo --json`'s records), run
in-process on the simulated clock: one check-in and one escalation a day at most, every message
within the platforms' limits, one person per unit that leads tasks, on every seed plan."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bot.channels.splitting import split_text
from bot.clock import SimulatedClock
from bot.demo.channel import QuietChannel
from bot.demo.scenario import DemoMessage, DemoOptions, DemoResult, MessageKind, load_demo_plan, run_demo
from bot.engine.root import Root
from bot.engine.runner import dispatch_config
from bot.settings import Settings

PLANS = Path(__file__).resolve().parent.parent / "plans"
SEED_PLANS = sorted(path.stem for path in PLANS.glob("*.yaml") if not path.stem.startswith("_"))
LARGEST = "donghai-103-kh-ubnd-2025"
TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000


def lead_units(plan: str) -> set[str]:
    demo = load_demo_plan(DemoOptions(plan=plan, plans_dir=PLANS))
    return {task.lead for task in demo.loaded.plan.tasks if task.lead}


def play(plan: str, days: int, *, limit: int) -> tuple[list[DemoMessage], DemoResult]:
    """The demo of `plan` for `days` days on a channel cut to `limit` characters; what was sent."""
    settings = Settings(_env_file=None, plans_dir=PLANS)
    options = DemoOptions(plan=plan, plans_dir=PLANS, days=days)
    demo = load_demo_plan(options)
    clock = SimulatedClock(dt.datetime.combine(demo.start, dt.time(0), settings.tz))
    root = Root.build(settings, clock, "vi")
    sent: list[DemoMessage] = []
    result = asyncio.run(
        run_demo(
            options,
            demo,
            QuietChannel(max_length=limit),
            clock=clock,
            settings=settings,
            calendar=root.calendar,
            defaults=root.defaults,
            config=dispatch_config(settings),
            print_line=lambda line: None,
            on_message=sent.append,
        )
    )
    return sent, result


def test_sixty_days_of_the_largest_plan_one_checkin_and_one_escalation_a_day_within_limits() -> None:
    assert LARGEST in SEED_PLANS
    sent, result = play(LARGEST, 60, limit=ZALO_LIMIT)
    kinds = Counter(message.kind for message in sent)
    # The run is not empty: check-ins, escalations of late tasks, replies and digests all went.
    assert kinds[MessageKind.CHECKIN] >= 10 and kinds[MessageKind.ESCALATION] >= 1, kinds
    assert kinds[MessageKind.DIGEST] >= 8 and kinds[MessageKind.REPLY] >= 1, kinds
    assert set(result.people) >= lead_units(LARGEST)

    per_day = Counter((message.to, message.at.date(), message.kind) for message in sent)
    too_many = {
        key: n
        for key, n in per_day.items()
        if key[2] in (MessageKind.CHECKIN, MessageKind.ESCALATION) and n > 1
    }
    assert not too_many, too_many

    # The busiest person had dozens of items due on one day: one message, cut to fit.
    biggest = max((m for m in sent if m.kind is MessageKind.CHECKIN), key=lambda m: len(m.text))
    assert "việc — gõ /viec" in biggest.text, biggest.text
    for message in sent:
        assert message.at.utcoffset() == dt.timedelta(hours=7), message.at
        if message.kind in (MessageKind.CHECKIN, MessageKind.ESCALATION, MessageKind.REPLY):
            # The bot's own cut: one message, never split.
            assert len(message.text) <= ZALO_LIMIT, (message.kind, len(message.text))
        else:
            # A digest is long by nature: the channel splits it (Zalo) or sends it whole (Telegram).
            assert len(message.text) <= TELEGRAM_LIMIT, (message.kind, len(message.text))
            assert all(len(part) <= ZALO_LIMIT for part in split_text(message.text, ZALO_LIMIT))


def test_within_telegrams_limit_the_checkins_use_the_room_but_never_pass_it() -> None:
    """The same plan on a channel of Telegram's length: the busiest check-in (the 14th, 12 days in)
    shows more items than on Zalo, still in one message."""
    sent, _ = play(LARGEST, 12, limit=TELEGRAM_LIMIT)
    checkins = [m for m in sent if m.kind is MessageKind.CHECKIN]
    assert checkins
    assert max(len(m.text) for m in checkins) > ZALO_LIMIT  # the same day, cut less
    assert all(len(m.text) <= TELEGRAM_LIMIT for m in sent if m.kind is not MessageKind.DIGEST)


@pytest.mark.parametrize("plan", [plan for plan in SEED_PLANS if plan != LARGEST])
def test_every_other_seed_plan_registers_each_lead_unit_and_sends_to_them(plan: str) -> None:
    """(The largest plan is the first test's.)"""
    sent, result = play(plan, 45, limit=ZALO_LIMIT)
    units = lead_units(plan)
    assert units and set(result.people) >= units
    people = set(result.people.values())
    assert sent and {message.to for message in sent} <= people
    assert any(message.kind is MessageKind.CHECKIN for message in sent), Counter(m.kind for m in sent)
    record = sent[0].as_json()
    assert list(record) == ["at", "to", "kind", "text"]
    assert dt.datetime.fromisoformat(record["at"]).tzinfo is not None
