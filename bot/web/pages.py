"""The dashboard's pages. Every page checks the session and what its person may see on the
server, for every request; the database work is synchronous SQLAlchemy, run in the thread pool.

Sign-in is two steps: `GET /signin/<token>` only shows a button (chat apps fetch links to draw a
preview, and that fetch must not use the link up), `POST` uses the link and starts the session.
Every form carries a CSRF token: the session's (`bot.web.signin.csrf_token`), or before sign-in
one that the form and a short-lived cookie share.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.db.models import OutboxKind, OutboxMessage, Person, Task
from bot.digest.model import Standing
from bot.web import queries
from bot.web.access import Viewer, can_see_task, viewer_of
from bot.web.chart import COLOURS, stacked_bars
from bot.web.filters import FilterError, Filters, parse_filters
from bot.web.messages import BY_PLAN, BY_UNIT, render
from bot.web.signin import (
    LinkRefusal,
    check_link,
    csrf_matches,
    csrf_token,
    end_session,
    session_person,
    use_link,
)

if TYPE_CHECKING:
    from bot.web.app import WebContext

SESSION_COOKIE = "nv_session"
SIGNIN_COOKIE = "nv_signin"
MAX_FORM = 4096
"""Our forms hold a token or two; a bigger body is not ours."""


PLANS_SHOWN = 50
"""Plan rows on the overview (the most overdue first)."""


class Refused(Exception):
    """403: signed in, but this is not for this person."""


@dataclass
class Call:
    """One page request: its session, viewer, filters and the context."""

    request: Request
    session: Session
    viewer: Viewer
    filters: Filters
    context: WebContext
    now: dt.datetime
    token: str

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.context.tz).date()

    def render(self, template_name: str, status: int = 200, **values: Any) -> HTMLResponse:
        plans, units = queries.choices(self.session.connection(), self.viewer)
        return _html(
            self.context,
            self.viewer.lang,
            template_name,
            status,
            viewer=self.viewer,
            filters=self.filters,
            plan_choices=plans,
            unit_choices=units,
            csrf=csrf_token(self.token),
            today=self.today,
            path=self.request.url.path,
            **values,
        )


Handler = Callable[[Call], Response]


def page_routes(context: WebContext) -> list[Route]:
    def page(handler: Handler) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            return await run_in_threadpool(_serve_page, context, request, handler)

        endpoint.__name__ = handler.__name__
        return endpoint

    async def signin_get(request: Request) -> Response:
        return await run_in_threadpool(_signin_form, context, request)

    async def signin_post(request: Request) -> Response:
        form = await _form(request)
        return await run_in_threadpool(_signin_use, context, request, form)

    async def signout(request: Request) -> Response:
        form = await _form(request)
        return await run_in_threadpool(_signout, context, request, form)

    async def signin_help(request: Request) -> Response:
        return _html(context, context.default_lang, "web/signin_help.html", 200)

    return [
        Route("/", page(overview), methods=["GET"]),
        Route("/overdue", page(overdue), methods=["GET"]),
        Route("/reports", page(reports), methods=["GET"]),
        Route("/tasks/{task_id:int}", page(task), methods=["GET"]),
        Route("/digests", page(digests), methods=["GET"]),
        Route("/digests/{digest_id:int}.xlsx", page(digest_workbook), methods=["GET"]),
        Route("/workbook.xlsx", page(current_workbook), methods=["GET"]),
        Route("/signin", signin_help, methods=["GET"]),
        Route("/signin/{token}", signin_get, methods=["GET"]),
        Route("/signin/{token}", signin_post, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
    ]


def _serve_page(context: WebContext, request: Request, handler: Handler) -> Response:
    now = context.clock.now()
    token = request.cookies.get(SESSION_COOKIE, "")
    with Session(context.engine, expire_on_commit=False) as session:
        if context.engine.dialect.name == "postgresql":
            # The standing's CASE over correlated lookups looks costly to the planner, which then
            # JIT-compiles it: a second of compiling for 50 ms of work. Pages are short queries.
            session.execute(sa.text("SET LOCAL jit = off"))
        person = session_person(session, token, now=now)
        if person is None:
            response: Response = RedirectResponse("/signin", status_code=303)
            if token:
                response.delete_cookie(SESSION_COOKIE)
            return response
        viewer = viewer_of(session, person)
        try:
            filters = parse_filters(dict(request.query_params))
        except FilterError as exc:
            return _html(
                context,
                viewer.lang,
                "web/error.html",
                400,
                problem="filter",
                field=exc.field,
                value=exc.value,
            )
        if filters.unit and not viewer.sees_unit(filters.unit):
            return _html(context, viewer.lang, "web/error.html", 403, problem="refused", field="", value="")
        call = Call(request, session, viewer, filters, context, now, token)
        try:
            response = handler(call)
        except Refused:
            return _html(context, viewer.lang, "web/error.html", 403, problem="refused", field="", value="")
        except LookupError:
            return _html(context, viewer.lang, "web/error.html", 404, problem="missing", field="", value="")
    response.headers.setdefault("cache-control", "no-store")
    return response


# --- pages -----------------------------------------------------------------------------------


def _label(lang: str) -> Callable[[Standing], str]:
    from bot.digest.messages import standing_label

    return lambda standing: standing_label(lang, standing)


def overview(call: Call) -> Response:
    context = call.context
    data = queries.overview(
        call.session.connection(), call.viewer, call.filters, call.today, context.tz, call.now
    )
    lang = call.viewer.lang
    label = _label(lang)
    # A province has hundreds of plans: the table shows those with the most overdue tasks (the
    # totals and the workbook still count them all; the filter opens any one of them).
    plans = sorted(data.plans, key=lambda row: (-row.counts.open_overdue, row.label))
    return call.render(
        "web/overview.html",
        data=data,
        plans_shown=plans[:PLANS_SHOWN],
        standings=list(Standing),
        colours=COLOURS,
        plan_chart=stacked_bars(plans, label, render(lang, BY_PLAN)),
        unit_chart=stacked_bars(data.units, label, render(lang, BY_UNIT)),
    )


def overdue(call: Call) -> Response:
    context = call.context
    lines, total = queries.overdue(
        call.session.connection(),
        call.viewer,
        call.filters,
        call.today,
        context.tz,
        call.now,
        context.calendar,
    )
    return call.render("web/overdue.html", lines=lines, total=total)


def reports(call: Call) -> Response:
    lines = queries.reports(call.session.connection(), call.viewer, call.filters, call.today, call.context.tz)
    return call.render("web/reports.html", lines=lines)


def task(call: Call) -> Response:
    task_id = int(call.request.path_params["task_id"])
    row = call.session.get(Task, task_id)
    if row is None or row.archived_at is not None:
        raise LookupError(task_id)
    if not can_see_task(call.session, call.viewer, row):
        raise Refused(task_id)
    return call.render("web/task.html", page=queries.task_page(call.session, row))


def digests(call: Call) -> Response:
    rows = queries.digest_archive(call.session.connection(), call.viewer)
    return call.render("web/digests.html", rows=rows)


def digest_workbook(call: Call) -> Response:
    """The workbook of an archived digest, rebuilt from the database as of its day."""
    row = call.session.get(OutboxMessage, int(call.request.path_params["digest_id"]))
    if row is None or row.kind != OutboxKind.DIGEST:
        raise LookupError("digest")
    if not call.viewer.sees_everything and row.person_id != call.viewer.person_id:
        raise Refused("digest")
    payload = row.payload or {}
    if "as_of" not in payload or "plans" not in payload:
        raise LookupError("digest payload")
    person = call.session.get(Person, row.person_id)
    as_of = dt.date.fromisoformat(str(payload["as_of"]))
    plan_ids = [str(plan) for plan in payload["plans"]]
    return _workbook(call, plan_ids, as_of, person.name if person else None)


def current_workbook(call: Call) -> Response:
    """Today's workbook of the plan in the filter (every plan when none): for those who get
    digests, since it lists every unit's tasks."""
    if not call.viewer.digests:
        raise Refused("workbook")
    plans, _ = queries.choices(call.session.connection(), call.viewer)
    plan_ids = [call.filters.plan] if call.filters.plan else [plan.id for plan in plans]
    if call.filters.plan and call.filters.plan not in {plan.id for plan in plans}:
        raise LookupError(call.filters.plan)
    return _workbook(call, plan_ids, call.today, call.viewer.name)


def _workbook(call: Call, plan_ids: list[str], as_of: dt.date, recipient: str | None) -> Response:
    from bot.digest.queries import build_digest, task_rows_by_plan
    from bot.digest.xlsx import digest_workbook as workbook

    context = call.context
    digest = build_digest(
        call.session, plan_ids, as_of=as_of, tz=context.tz, calendar=context.calendar, recipient=recipient
    )
    tasks = task_rows_by_plan(call.session, plan_ids, as_of=as_of, tz=context.tz)
    data = workbook(digest, tasks, lang=call.viewer.lang, tz=context.tz)
    name = f"digest-{as_of.isoformat()}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


# --- sign-in and sign-out --------------------------------------------------------------------


async def _form(request: Request) -> dict[str, str]:
    """A small urlencoded form; anything else is refused with a 4xx, never a traceback."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_FORM):
        raise HTTPException(413)
    try:
        form = await request.form(max_files=0, max_fields=10, max_part_size=MAX_FORM)
    except Exception as exc:  # python-multipart's and Starlette's parse errors alike
        raise HTTPException(400) from exc
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _signin_form(context: WebContext, request: Request) -> Response:
    token = request.path_params["token"]
    now = context.clock.now()
    with Session(context.engine) as session:
        checked = check_link(session, token, now=now)
        lang = checked.person.language if checked.person else context.default_lang
        if checked.refusal is not None or checked.person is None:
            return _refused_link(context, lang, checked.refusal or LinkRefusal.UNKNOWN)
        name = checked.person.name
    form_token = secrets.token_urlsafe(16)
    response = _html(context, lang, "web/signin.html", 200, name=name, form_token=form_token, token=token)
    response.set_cookie(
        SIGNIN_COOKIE,
        form_token,
        max_age=int(context.link_ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=context.secure_cookies,
        path="/signin",
    )
    response.headers["cache-control"] = "no-store"
    return response


def _signin_use(context: WebContext, request: Request, form: dict[str, str]) -> Response:
    token = request.path_params["token"]
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    given = form.get("csrf", "")
    if not cookie or not given or not hmac.compare_digest(cookie, given):
        return _html(context, context.default_lang, "web/error.html", 403, problem="csrf", field="", value="")
    now = context.clock.now()
    with Session(context.engine) as session, session.begin():
        used = use_link(session, token, now=now, lifetime=context.session_lifetime)
        if isinstance(used, LinkRefusal):
            return _refused_link(context, context.default_lang, used)
        session_token, _person = used
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(context.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=context.secure_cookies,
        path="/",
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


def _signout(context: WebContext, request: Request, form: dict[str, str]) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or not csrf_matches(token, form.get("csrf")):
        return _html(context, context.default_lang, "web/error.html", 403, problem="csrf", field="", value="")
    with Session(context.engine) as session, session.begin():
        end_session(session, token, now=context.clock.now())
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _refused_link(context: WebContext, lang: str, refusal: LinkRefusal) -> Response:
    return _html(context, lang, "web/link_refused.html", 403, refusal=refusal.value)


def _html(context: WebContext, lang: str, template_name: str, status: int, **values: Any) -> HTMLResponse:
    values.setdefault("viewer", None)
    template = context.environment(lang).get_template(template_name)
    response = HTMLResponse(template.render(**values), status_code=status)
    response.headers["cache-control"] = "no-store"
    return response
