"""The read-only web pages on [server]: recent events, a company's network and timeline, feeds,
destinations, and the same events as CSV.

Server-rendered with Jinja2 (autoescaped), no JavaScript: a plain GET form filters, links navigate.
Database reads and drawing run in worker threads; the pages never write anything.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup

from ..chat.files import MAX_EXPORT, Files, table
from ..chat.lookup import Lookup
from ..core.labels import KIND_LABELS, STAGE_LABELS
from ..core.models import KINDS, STAGES, Destination
from ..core.settings import Settings
from ..store import feeds as store_feeds
from ..store import listing
from . import access

PAGE_SIZE = 100
_SVG_START = re.compile(rb"<svg\b")
_FILTERS = ("q", "company", "kind", "stage", "since", "until")


@dataclass(frozen=True, slots=True)
class Query:
    """The filters of the events page, as typed in its form."""

    values: Mapping[str, str]

    @classmethod
    def of(cls, request: web.Request) -> Query:
        return cls({k: request.query.get(k, "").strip()[:200] for k in _FILTERS})

    def link(self, path: str) -> str:
        given = {k: v for k, v in self.values.items() if v}
        return f"{path}?{urlencode(given)}" if given else path


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.run", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["day"] = lambda when: when.strftime("%Y-%m-%d") if when else "never"
    env.filters["when"] = lambda when: when.strftime("%Y-%m-%d %H:%M UTC") if when else "never"
    env.filters["kind"] = lambda kind: KIND_LABELS.get(kind, kind)
    env.filters["stage"] = lambda stage: STAGE_LABELS.get(stage, stage)
    env.filters["company_url"] = lambda name: "/company/" + quote(name, safe="")
    return env


class Pages:
    """Registers the pages on the bot's aiohttp app; ``token`` (off loopback) guards all but the open paths."""

    def __init__(self, settings: Settings, lookup: Lookup, *, token: str | None = None) -> None:
        self.settings = settings
        self.lookup = lookup
        self.files = Files(lookup, clock=lookup.clock)
        self.token = token
        self.env = _environment()
        self._pictures: OrderedDict[tuple[str, tuple[int, ...]], Markup] = OrderedDict()

    def mount(self, app: web.Application) -> None:
        if self.token:
            app.middlewares.append(access.guard(self.token, refused=self._refused))
        app.router.add_get("/", self.index)
        app.router.add_get("/export.csv", self.export)
        app.router.add_get("/company/{name}", self.company)
        app.router.add_get("/feeds", self.feeds)
        app.router.add_get("/destinations", self.destinations)
        app.router.add_get("/login", self.login_form)
        app.router.add_post("/login", self.login)

    def _page(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        html = self.env.get_template(template).render(login=bool(self.token), **context)
        return web.Response(
            text=html,
            status=status,
            content_type="text/html",
            charset="utf-8",
            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "script-src 'none'"},
        )

    # -- events --------------------------------------------------------------------------------

    def _filter(self, query: Query, *, limit: int) -> tuple[listing.EventFilter | None, str]:
        """The store filter for the form's values (None when nothing can match), and a sentence about
        any value that was not understood."""
        v = query.values
        problems = []
        companies: tuple[str, ...] = ()
        if v["company"]:
            name, _ = self.lookup.resolve(v["company"])
            companies = (name,)
            if not name:
                return (
                    None,
                    f"evradar knows no company called {v['company']!r}; check the spelling or try its ticker.",
                )
        since, until = _date(v["since"]), _date(v["until"])
        if (v["since"] and since is None) or (v["until"] and until is None):
            problems.append("Dates are written like 2024-06-30; the one given was left out.")
        wanted = listing.EventFilter(
            companies=companies,
            kind=v["kind"] if v["kind"] in KINDS else "",
            stage=v["stage"] if v["stage"] in STAGES else "",
            since=since,
            until=None if until is None else until + 86400,
            text=v["q"],
            limit=limit,
        )
        return wanted, " ".join(problems)

    async def index(self, request: web.Request) -> web.Response:
        query = Query.of(request)
        wanted, problem = self._filter(query, limit=PAGE_SIZE)
        rows = await self._find(wanted)
        return self._page(
            "index.html",
            rows=rows,
            query=query.values,
            problem=problem,
            csv_link=query.link("/export.csv"),
            kinds=KINDS,
            stages=STAGES,
            page_size=PAGE_SIZE,
        )

    async def _find(self, wanted: listing.EventFilter | None) -> list[listing.EventRow]:
        if wanted is None:
            return []
        return await asyncio.to_thread(self.lookup.store.run, lambda c: listing.find_events(c, wanted))

    async def export(self, request: web.Request) -> web.Response:
        wanted, _ = self._filter(Query.of(request), limit=MAX_EXPORT)
        rows = await self._find(wanted)
        return web.Response(
            body=table(rows, "csv"),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="evradar-events.csv"'},
        )

    # -- one company ---------------------------------------------------------------------------

    async def company(self, request: web.Request) -> web.Response:
        typed = request.match_info["name"][:200]
        name, suggestions = self.lookup.resolve(typed)
        if not name:
            return self._page("missing.html", status=404, typed=typed, suggestions=suggestions)
        wanted = listing.EventFilter(companies=(name,), limit=500)
        rows = await asyncio.to_thread(self.lookup.store.run, lambda c: listing.find_events(c, wanted))
        picture = await asyncio.to_thread(self._picture, name, tuple(r.id for r in rows)) if rows else None
        related = Counter(p for r in rows for p in dict.fromkeys(r.partners) if p != name)
        known = self.lookup.index.get(name)
        return self._page(
            "company.html",
            name=name,
            company=known,
            rows=rows,
            picture=picture,
            related=related.most_common(),
        )

    def _picture(self, name: str, ids: tuple[int, ...]) -> Markup | None:
        """The network as inline SVG; the same events draw the same picture, so recent ones are kept."""
        key = (name, ids)
        if key in self._pictures:
            self._pictures.move_to_end(key)
            return self._pictures[key]
        made = self.files.graph(name, fmt="svg")
        if isinstance(made, str):
            return None
        start = _SVG_START.search(made.data)
        # Matplotlib escapes the names it writes, so the drawing is safe to inline as it is.
        svg = Markup(made.data[start.start() if start else 0 :].decode("utf-8"))
        self._pictures[key] = svg
        while len(self._pictures) > 32:
            self._pictures.popitem(last=False)
        return svg

    # -- operations ----------------------------------------------------------------------------

    async def feeds(self, _request: web.Request) -> web.Response:
        rows = await asyncio.to_thread(self.lookup.store.run, store_feeds.all_feeds)
        default = self.settings.polling.interval
        return self._page(
            "feeds.html",
            feeds=[
                {
                    "row": row,
                    "health": _health(row),
                    "every": _every(row.interval or default),
                    "last_poll": _utc(row.last_polled_at),
                    "next_poll": None if row.paused else _utc(row.next_poll_at),
                }
                for row in rows
            ],
        )

    async def destinations(self, _request: web.Request) -> web.Response:
        rows = {r.key: r for r in await asyncio.to_thread(self.lookup.store.run, listing.destination_rows)}
        named: dict[str, str] = {}
        for n, route in enumerate(self.settings.routes, start=1):
            key = Destination(route.platform, route.channel, route.webhook_url).key
            named.setdefault(key, getattr(route, "name", "") or f"route {n} ({route.platform})")
        keys = list(dict.fromkeys([*named, *rows]))
        return self._page(
            "destinations.html",
            destinations=[
                {"key": k, "name": named.get(k, "channel subscription"), "row": rows.get(k)} for k in keys
            ],
        )

    # -- logging in ----------------------------------------------------------------------------

    def _refused(self, request: web.Request) -> web.StreamResponse:
        return self._page("login.html", status=401, next=access.safe_next(request.path_qs), wrong=False)

    async def login_form(self, request: web.Request) -> web.Response:
        return self._page("login.html", next=access.safe_next(request.query.get("next", "/")), wrong=False)

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        target = access.safe_next(str(form.get("next", "/")))
        given = str(form.get("token", ""))
        if not self.token or not access.same(given, self.token):
            return self._page("login.html", status=401, next=target, wrong=bool(self.token))
        response = web.Response(status=303, headers={"Location": target})
        response.set_cookie(
            access.COOKIE,
            access.cookie_value(self.token),
            httponly=True,
            samesite="Strict",
            secure=request.secure,
            max_age=30 * 86400,
        )
        return response


def _date(text: str) -> float | None:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC).timestamp() if text else None
    except ValueError:
        return None


def _utc(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch else None


def _every(seconds: float) -> str:
    return f"{seconds / 3600:g} h" if seconds >= 3600 else f"{seconds / 60:g} min"


def _health(row: store_feeds.FeedRow) -> str:
    if row.paused:
        return "paused"
    if row.last_status == "failed":
        return f"failing ({row.failures} in a row)"
    words = {"new": "not polled yet", "ok": "ok", "not_modified": "ok (unchanged)"}
    return words.get(row.last_status, row.last_status)
