"""Who a person is in the office; a light module, so plan validation does not load the ORM."""

from enum import StrEnum


class Role(StrEnum):
    """What a person may do: staff report, heads also answer for their unit, chiefs and admins
    see everything (admins also invite)."""

    STAFF = "staff"
    HEAD = "head"
    CHIEF = "chief"
    ADMIN = "admin"
