"""The web pages on a real Server: events with filters and CSV, a company's page, feeds, destinations, access."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qs

import aiohttp
import pytest
from pydantic import SecretStr

from bot.chat.lookup import Lookup
from bot.core.errors import ConfigError
from bot.core.models import Company
from bot.run.access import COOKIE, is_loopback, required_token
from bot.run.server import Server
from bot.run.settings import RouteSettings, Secrets, ServerSettings, Settings
from bot.run.web import Pages
from bot.store import Store
from handlers.companies import CompanyIndex
from tests.fakes import DEALS, store_with_deals

TOKEN = "a-long-random-web-token"
Get = Callable[..., Awaitable[tuple[int, str]]]
HOSTILE = (("Xiaomi", "<script>alert(1)</script>"), "other", "talks", 400.0)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return store_with_deals(f"sqlite:///{tmp_path / 'web.db'}", (*DEALS, HOSTILE))


async def _serve(store: Store, companies: tuple[Company, ...], token: str | None) -> tuple[Server, Pages]:
    async def health() -> dict[str, object]:
        return {"status": "ok"}

    async def metrics() -> bytes:
        return b"# metrics\n"

    settings = Settings(routes=[RouteSettings(platform="console")], server=ServerSettings(port=0))
    pages = Pages(settings, Lookup(store, CompanyIndex(companies), clock=lambda: 1000.0), token=token)
    server = Server(health=health, metrics=metrics)
    pages.mount(server.app)
    await server.start("127.0.0.1", 0)
    return server, pages


@pytest.fixture
async def get(store: Store, companies: tuple[Company, ...], request: pytest.FixtureRequest) -> AsyncIterator[Get]:
    token = TOKEN if request.node.get_closest_marker("token") else None
    server, _ = await _serve(store, companies, token)
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:  # cookies for 127.0.0.1

        async def fetch(path: str, **options: object) -> tuple[int, str]:
            async with session.get(f"http://127.0.0.1:{server.port}{path}", **options) as response:  # type: ignore[arg-type]
                return response.status, await response.text()

        fetch.session = session  # type: ignore[attr-defined]
        fetch.base = f"http://127.0.0.1:{server.port}"  # type: ignore[attr-defined]
        yield fetch
    await server.stop()
    store.close()


def _events(html: str) -> list[str]:
    """The partners of each listed event, as the page shows them."""
    rows = re.findall(r'<tr class="event">(.*?)</tr>', html, re.S)
    return [" × ".join(re.findall(r'class="partner" href="[^"]+">([^<]+)</a>', row)) for row in rows]


async def test_index_lists_recent_events_with_links_and_a_phone_friendly_page(get: Get) -> None:
    status, html = await get("/")
    assert status == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html.replace("&lt;script&gt;", "")  # no JavaScript, and hostile names are escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _events(html)[1:] == ["Stellantis × Leapmotor", "Xiaomi × BAIC", "Xiaomi × Great Wall Motor"]
    assert 'href="/company/Great%20Wall%20Motor"' in html
    assert 'href="https://news/0"' in html and "Download CSV" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("company=GWM", ["Xiaomi × Great Wall Motor"]),
        ("company=xiaomi&kind=supply", ["Xiaomi × BAIC"]),
        (
            "stage=talks&company=1810.HK",
            ["Xiaomi × &lt;script&gt;alert(1)&lt;/script&gt;", "Xiaomi × Great Wall Motor"],
        ),
        ("q=leapmotor", ["Stellantis × Leapmotor"]),
        ("company=nobody-at-all", []),
    ],
)
async def test_index_filters(get: Get, query: str, expected: list[str]) -> None:
    status, html = await get(f"/?{query}")
    assert status == 200
    assert _events(html) == expected
    csv_link = re.search(r'<a href="(/export\.csv[^"]*)">Download CSV', html)
    assert csv_link is not None
    assert parse_qs(csv_link.group(1).split("?")[1].replace("&amp;", "&")) == parse_qs(query)


async def test_export_csv_has_the_same_filters_and_opens_right_in_a_spreadsheet(get: Get) -> None:
    status, body = await get("/export.csv?company=xiaomi")
    assert status == 200
    assert body.startswith("\ufeff")  # UTF-8 byte-order mark: Excel then reads the accents right
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        '"id","partners","kind","stage","first_published","last_published","sources","title","evidence","links"'
    )
    assert len(lines) == 4 and all(line.startswith('"') for line in lines)


async def test_company_page_shows_the_network_timeline_and_related_companies(get: Get) -> None:
    status, html = await get("/company/GWM")
    assert status == 200
    assert "<h1>Great Wall Motor</h1>" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Great Wall Motor" in svg and "Xiaomi" in svg  # matplotlib keeps text as text in the SVG
    assert _events(html) == ["Xiaomi × Great Wall Motor"]
    assert re.search(r'<a href="/company/Xiaomi">Xiaomi</a> <span class="muted">\(1\)</span>', html)


async def test_unknown_company_is_a_404_page_with_a_search_box(get: Get) -> None:
    status, html = await get("/company/Xiaomy")  # a close spelling resolves; this one does not
    assert status in (200, 404)
    status, html = await get("/company/Nobody%20Motors")
    assert status == 404
    assert "evradar knows no company called “Nobody Motors”" in html
    assert '<input type="search" name="q" value="Nobody Motors">' in html


async def test_feeds_and_destinations_pages(get: Get) -> None:
    status, html = await get("/feeds")
    assert status == 200 and "https://f" in html and "not polled yet" in html
    status, html = await get("/destinations")
    assert status == 200 and "route 1 (console)" in html
    waiting = re.search(r'data-label="Waiting alerts">(\d+)<', html)
    assert waiting is not None and int(waiting.group(1)) == len(DEALS) + 1


# -- access ---------------------------------------------------------------------------------------


def test_loopback_needs_no_token_and_other_addresses_need_one() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "evradar.example.com"))
    assert required_token(Settings()) is None
    with pytest.raises(ConfigError, match="EVRADAR_WEB_TOKEN is not set"):
        required_token(Settings(server=ServerSettings(host="0.0.0.0")))
    with_token = Settings(
        server=ServerSettings(host="0.0.0.0"), secrets=Secrets(evradar_web_token=SecretStr(TOKEN))
    )
    assert required_token(with_token) == TOKEN
    assert required_token(Settings(server=ServerSettings(host="0.0.0.0", enabled=False))) is None


@pytest.mark.token
async def test_with_a_token_pages_answer_401_until_it_is_shown(get: Get) -> None:
    for path in ("/", "/company/xiaomi", "/feeds", "/destinations", "/export.csv", "/metrics"):
        status, html = await get(path)
        assert status == 401, path
        assert '<form method="post" action="/login">' in html
    assert (await get("/healthz"))[0] == 200  # load balancers and Slack/Discord cannot log in
    assert (await get("/", headers={"Authorization": f"Bearer {TOKEN}"}))[0] == 200
    assert (await get("/", headers={"Authorization": "Bearer wrong"}))[0] == 401


@pytest.mark.token
async def test_the_login_form_sets_a_cookie_that_opens_the_pages(get: Get) -> None:
    session: aiohttp.ClientSession = get.session  # type: ignore[attr-defined]
    base: str = get.base  # type: ignore[attr-defined]
    form = {"token": "wrong", "next": "/feeds"}
    async with session.post(f"{base}/login", data=form, allow_redirects=False) as response:
        assert response.status == 401 and "That is not the token" in await response.text()
    form = {"token": TOKEN, "next": "//elsewhere.example/"}
    async with session.post(f"{base}/login", data=form, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/"  # never off this server
        assert TOKEN not in response.headers["Set-Cookie"] and COOKIE in response.headers["Set-Cookie"]
    assert (await get("/feeds"))[0] == 200


@pytest.mark.token
async def test_with_a_token_posts_go_through_to_their_own_signature_checks(get: Get) -> None:
    # The chat platforms' endpoints are POSTs that check their own signatures: the page guard leaves
    # them alone (no route is mounted here, so the server itself answers, not the login page).
    session: aiohttp.ClientSession = get.session  # type: ignore[attr-defined]
    base: str = get.base  # type: ignore[attr-defined]
    async with session.post(f"{base}/chat/events", data=b"{}") as response:
        assert response.status == 404
        assert '<form method="post" action="/login">' not in await response.text()
    async with session.get(f"{base}/chat/events") as response:
        assert response.status == 401  # a GET anywhere but /healthz and /login needs the token
