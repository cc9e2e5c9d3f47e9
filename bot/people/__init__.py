"""People in chat: invites and registration, who a chat belongs to, what each person may do,
their task lists, and status updates filed from chat."""

from bot.people.codes import generate_code, hash_code, normalize_code
from bot.people.errors import (
    DirectoryError,
    InviteRefused,
    NotAllowed,
    NotUnderstood,
    PeopleError,
    RefusalReason,
)
from bot.people.invites import (
    DEFAULT_LIMITER,
    AttemptLimiter,
    NewInvite,
    create_invite,
    redeem_invite,
    welcome_message,
    who_is,
)
from bot.people.permissions import can_invite, can_report, can_request_digest, can_view
from bot.people.reports import FiledReport, file_report
from bot.people.tasks import OverdueTask, TaskDue, overdue_for, tasks_for
from bot.people.updates import FiledUpdate, file_update

__all__ = [
    "DEFAULT_LIMITER",
    "AttemptLimiter",
    "DirectoryError",
    "FiledReport",
    "FiledUpdate",
    "InviteRefused",
    "NewInvite",
    "NotAllowed",
    "NotUnderstood",
    "OverdueTask",
    "PeopleError",
    "RefusalReason",
    "TaskDue",
    "can_invite",
    "can_report",
    "can_request_digest",
    "can_view",
    "create_invite",
    "file_report",
    "file_update",
    "generate_code",
    "hash_code",
    "normalize_code",
    "overdue_for",
    "redeem_invite",
    "tasks_for",
    "welcome_message",
    "who_is",
]
