"""Fast checks of the pages with no browser: catalogues, language choice, status codes per role.

A small SQLite site (no worker) is enough here; the browser tests in
``test_web_pages.py`` cover what needs a real browser.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "scheduler" / "web" / "locale"
PASSWORD = "rahasia-sekali-123"
X_CREDENTIALS = {
    "consumer_key": "ck",
    "consumer_secret": "cs",
    "access_token": "1-at",
    "access_token_secret": "ats",
    "user_id": "1",
}


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_every_extracted_message_is_in_the_catalogues_and_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            str(LOCALE / "babel.cfg"),
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert len(wanted) > 200
    for lang in ("id", "en"):
        catalog = _catalog(lang)
        have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
        missing = sorted(wanted - set(have))
        assert missing == [], f"{lang}: run the catalogue update (docs/web.md): {missing[:5]}"
        untranslated = sorted(
            k for k in wanted if not (have[k].string if isinstance(have[k].string, str) else all(have[k].string))
        )
        assert untranslated == [], f"{lang}: untranslated {untranslated[:5]}"


def test_catalogues_translate_and_keep_placeholders():
    from scheduler.web.i18n import translations

    assert translations("id").gettext("Dashboard") == "Dasbor"
    assert translations("en").gettext("Dashboard") == "Dashboard"
    assert translations("xx").gettext("Calendar") == "Kalender"  # unknown -> Indonesian
    assert (
        translations("id").ngettext("used in %(num)d post", "used in %(num)d posts", 2) % {"num": 2}
        == "dipakai di 2 unggahan"
    )
    import re

    for message in _catalog("id"):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(re.findall(r"%\(\w+\)[sd]", source)) == set(re.findall(r"%\(\w+\)[sd]", target)), source


def test_page_language_is_switch_then_user_then_indonesian():
    from starlette.requests import Request

    from scheduler.web.i18n import page_language

    def request(cookie: str = "", header: str = "en-US,en;q=0.9", user: str | None = None) -> Request:
        headers = [(b"accept-language", header.encode())]
        if cookie:
            headers.append((b"cookie", f"siar_lang={cookie}".encode()))
        r = Request({"type": "http", "headers": headers, "state": {}})
        if user:
            r.state.user_language = user
        return r

    assert page_language(request()) == "id"  # the browser's English is not enough
    assert page_language(request(user="en")) == "en"
    assert page_language(request(cookie="id", user="en")) == "id"
    assert page_language(request(cookie="fr")) == "id"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """SQLite site: two KIMs, a member, an admin, a staff user, a sandbox account, one post per KIM."""
    import os

    from cryptography.fernet import Fernet

    from config.settings import get_settings
    from scheduler.services.accounts.manage import add_account
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.posts.compose import compose_post
    from scheduler.services.posts.content import TargetSpec
    from scheduler.services.posts.scheduling import ScheduleIntent
    from scheduler.services.registry.kims import create_kim
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import read_malang, seed_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    tmp = tmp_path_factory.mktemp("pages")
    saved = {k: v for k, v in os.environ.items() if k.startswith("SIAR_")}
    os.environ.update(
        SIAR_ENV="test",
        SIAR_DATA_DIR=str(tmp),
        SIAR_DATABASE_URL=f"sqlite:///{tmp / 's.db'}",
        SIAR_SECRET_KEY=Fernet.generate_key().decode(),
        SIAR_SESSION_COOKIE_SECURE="false",
    )
    get_settings.cache_clear()
    url = get_settings().db_url
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    engine.dispose()
    _, kelurahan = read_malang()
    now = datetime.now(UTC)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_url(url)

    system = Actor.system()
    kims = [create_kim(uow(), system, kelurahan_code=kelurahan[i].code, name=f"KIM {i}", now=now) for i in range(2)]
    people = {}
    for role, kim in (("member", kims[0]), ("admin", kims[0]), ("staff", None), ("other", kims[1])):
        user = add_user(
            uow(),
            system,
            email=f"{role}@kim.id",
            role="admin" if role == "other" else role,
            password=PASSWORD,
            now=now,
            name=role.title(),
            kim_id=kim.id if kim else None,
        )
        people[role] = user
    post_ids = []
    for kim, author in ((kims[0], people["member"]), (kims[1], people["other"])):
        account = add_account(
            uow(),
            system,
            kim_id=kim.id,
            platform="x",
            handle=f"kim{kim.id}",
            credentials=X_CREDENTIALS,
            now=now,
            sandbox=True,
        )
        post = compose_post(
            uow(),
            Actor.of(author),
            kim_id=kim.id,
            text="Keripik tempe",
            now=now,
            targets=[TargetSpec(account.id)],
            schedule=ScheduleIntent.at_instant(now + timedelta(hours=2), "Asia/Jakarta"),
            submit=True,
        )
        post_ids.append(post.id)
    yield {"kims": kims, "posts": post_ids}
    for key in [k for k in os.environ if k.startswith("SIAR_")]:
        del os.environ[key]
    os.environ.update(saved)
    get_settings.cache_clear()


def _client(email: str | None):
    from fastapi.testclient import TestClient

    from scheduler.web.app import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1")
    if email:
        assert client.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    return client


EXPECTED = {
    "member": {
        "/": 200,
        "/compose": 200,
        "/calendar": 200,
        "/calendar?view=week": 200,
        "/queue": 200,
        "/media": 200,
        "/accounts": 200,
        "/engagement": 200,
        "/leaderboard": 200,
        "/approvals": 403,
        "/import": 403,
        "/users": 403,
        "/coverage": 403,
        "/kims": 403,
    },
    "admin": {"/approvals": 200, "/import": 200, "/users": 200, "/accounts": 200, "/coverage": 403},
    "staff": {
        "/": 200,
        "/calendar": 200,
        "/queue": 200,
        "/engagement": 200,
        "/leaderboard": 200,
        "/coverage": 200,
        "/kims": 200,
        "/users": 200,
        "/approvals": 200,
        "/compose": 403,
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_pages_answer_each_role(small_site, role):
    client = _client(f"{role}@kim.id")
    for path, status in EXPECTED[role].items():
        response = client.get(path)
        assert response.status_code == status, (role, path, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
        assert "https://" not in response.text.split("<body", 1)[0]  # nothing in <head> from elsewhere
        # every placeholder in the page's text is filled (data-* templates for scripts aside)
        assert not re.search(r">[^<]*%\(\w+\)", response.text), (role, path)


def test_not_signed_in_goes_to_the_sign_in_page(small_site):
    client = _client(None)
    response = client.get("/calendar?view=week", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/calendar?view=week"
    assert client.get("/login").status_code == 200


def test_another_kims_objects_are_not_found(small_site):
    client = _client("member@kim.id")
    other_post = small_site["posts"][1]
    other_kim = small_site["kims"][1].slug
    for path in (
        f"/posts/{other_post}",
        f"/calendar?kim={other_kim}",
        f"/queue?kim={other_kim}",
        f"/engagement?kim={other_kim}",
        "/media/999999/file",
    ):
        assert client.get(path).status_code == 404, path
    own = client.get(f"/posts/{small_site['posts'][0]}")
    assert own.status_code == 200 and "Keripik tempe" in own.text


def test_language_switch_sets_a_cookie_and_goes_back(small_site):
    client = _client("member@kim.id")
    assert '<html lang="id">' in client.get("/queue").text
    response = client.get("/lang/en?next=/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    page = client.get("/queue").text
    assert '<html lang="en">' in page and "<h1>Queue</h1>" in page
    assert client.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"


def test_static_files_are_served_with_long_caching(small_site):
    client = _client(None)
    response = client.get("/static/siar.css")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_dashboard_kim_filter_for_staff_only(small_site):
    other = small_site["kims"][1].slug
    staff = _client("staff@kim.id").get(f"/?kim={other}")
    assert staff.status_code == 200 and 'id="kim"' in staff.text
    assert _client("member@kim.id").get(f"/?kim={other}").status_code == 404


def test_charts_have_no_inline_style_or_script_and_their_stylesheet_covers_them():
    """The Content-Security-Policy refuses inline code: pygal's goes, /charts.css replaces its style."""
    from datetime import datetime
    from types import SimpleNamespace

    from scheduler.web.pages import charts

    rows = [SimpleNamespace(label=f"KIM {i}", interactions=10 * i, views=100 * i) for i in range(5)]
    snapshot = SimpleNamespace(captured_at=datetime(2026, 12, 1, 3, tzinfo=UTC), likes=3, comments=1, shares=0, saves=0)
    detail = SimpleNamespace(
        targets=[
            SimpleNamespace(
                snapshots=[snapshot],
                account=SimpleNamespace(platform="x", handle=f"kim{i}"),
                target=SimpleNamespace(account_id=i),
            )
            for i in range(3)
        ]
    )
    drawn = [
        charts.engagement_over_time(rows, "id", [f"{i}" for i in range(5)]),
        charts.by_group(rows, "en", "Per KIM"),
        charts.hours([(9, 2, 4.0), (19, 3, 7.5)], "id"),
        charts.post_engagement(detail, SimpleNamespace(lang="id", zone="Asia/Jakarta")),
    ]
    for svg in drawn:
        assert 'class="pygal-chart"' in svg
        assert not re.search(r"<style|<script|\sstyle=|\son\w+=", svg), svg[:300]
    css = charts.stylesheet()
    assert "#chart-" not in css and ".pygal-chart .title" in css
    assert f".pygal-chart .color-{charts.MAX_SERIES - 1}" in css
    first = charts.STYLE.colors[0]
    assert f".pygal-chart .color-0,.pygal-chart .color-0 a:visited{{stroke:{first};fill:{first}}}" in css
    assert re.fullmatch(r"/charts\.css\?v=[0-9a-f]{10}", charts.stylesheet_url())
