"""A member composes, an admin approves, the worker publishes: all through the pages.

The tests share the module's site (``web``) but nothing else: each one gets the posts it
needs from its own fixture (``submitted_post``, ``measured_post`` in conftest.py), so any
one of them passes alone, in any order.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline_sitekit import wait_until as wait_for  # loaded by this directory's conftest

WIB = ZoneInfo("Asia/Jakarta")
LONG_TEXT = (
    "Keripik tempe Sanan renyah dan gurih, dibuat dari kedelai pilihan oleh UMKM Kelurahan Purwantoro. "
) * 4  # ~ 380 characters: over X's 280
GOOD_TEXT = "Keripik tempe Sanan, renyah dan gurih! Pesan lewat KIM kami. #UMKMMalang"


def test_member_dashboard_is_indonesian_by_default_with_training_banner(browse, web):
    b = browse("member")
    page = b.page
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").first.inner_text().startswith("Dasbor")
    banner = page.locator(".training")
    assert "Mode latihan: akun sandbox, tidak ada yang benar-benar terbit" in banner.inner_text()
    href = banner.locator("a").first.get_attribute("href")
    assert href.startswith(web.site.sandbox.base_url + "/_sandbox/feed/")
    b.screenshot("dashboard-member")


def test_compose_with_image_three_platforms_and_x_counter_refuses_long_text(browse, web, tmp_path, png):
    b = browse("member")
    page = b.page
    b.open("/compose")
    for account_id in web.accounts.values():
        page.check(f"#acc-{account_id}")
    image = tmp_path / "keripik.png"
    image.write_bytes(png)
    page.set_input_files("#media-input", str(image))
    page.wait_for_selector("#thumbs img")
    # the preview of every platform shows the uploaded photo
    for platform in ("x", "facebook", "instagram"):
        assert page.locator(f"#tab-{platform}").is_visible()
    page.fill("#text", LONG_TEXT)
    page.wait_for_selector("#problems-x li[data-code=text_too_long]")
    assert "over" in (page.locator("#count-x").get_attribute("class") or "")
    assert "/ 280" in page.locator("#count-x").inner_text()
    assert "over" not in (page.locator("#count-facebook").get_attribute("class") or "")
    assert page.locator("#submit").is_disabled()
    problem = page.locator("#problems-x li[data-code=text_too_long]").inner_text()
    assert "terlalu panjang" in problem  # the API answered in the page's language
    page.click("#tab-x")
    assert page.locator("#panel-x .pv-media img").count() == 1
    b.screenshot("compose-x-text-too-long")
    # a shorter text of X's own: the X problem goes, the other platforms keep the long main text
    page.fill("#text-x", "Keripik tempe Sanan, renyah! #UMKMMalang")
    page.wait_for_selector("#problems-x li[data-code=text_too_long]", state="detached")
    assert "over" not in (page.locator("#count-x").get_attribute("class") or "")
    assert "Keripik tempe Sanan, renyah!" in page.locator("#panel-x [data-pv-text]").inner_text()
    page.fill("#text-x", "")
    page.wait_for_selector("#problems-x li[data-code=text_too_long]")

    page.fill("#text", GOOD_TEXT)
    option = page.locator("#subject option", has_text=web.product_name)
    page.select_option("#subject", value=option.get_attribute("value"))
    at = (datetime.now(UTC) + timedelta(minutes=2)).astimezone(WIB)
    page.fill("#at", at.strftime("%Y-%m-%dT%H:%M"))
    wait_for(lambda: not page.locator("#submit").is_disabled(), 20, "the live check to pass")
    assert page.locator("#problems-x li.error").count() == 0
    with page.expect_navigation():
        page.click("#submit")
    assert re.search(r"/posts/(\d+)$", page.url), page.url
    assert "Menunggu persetujuan" in page.locator("h1").inner_text()
    assert page.locator("#targets > li").count() == 3


def test_admin_approves_then_calendar_and_published(browse, web, submitted_post):
    post_id = submitted_post.id
    b = browse()
    b.sign_in(submitted_post.admin)
    page = b.page
    b.open("/approvals")
    item = page.locator(f"#approvals li[data-post='{post_id}']")
    assert "Keripik tempe Sanan" in item.inner_text()
    b.screenshot("approvals-admin")
    with page.expect_navigation():
        item.locator("form[data-api$='/approve'] button").click()
    assert page.locator(f"#approvals li[data-post='{post_id}']").count() == 0

    # the month and the week of the post's own day (WIB), not of "today": the post is due in
    # 45 s, which may already be tomorrow, next week or next month
    day = submitted_post.scheduled_at.astimezone(WIB).date().isoformat()
    b.open(f"/calendar?date={day}")
    chips = page.locator(f"#calendar a.chip[href='/posts/{post_id}']")
    assert chips.count() == 3
    b.screenshot("calendar-month-admin")
    b.open(f"/calendar?view=week&date={day}")
    assert page.locator(f"#calendar a.chip[href='/posts/{post_id}']").count() == 3
    b.screenshot("calendar-week-admin")

    def published() -> bool:
        b.open(f"/posts/{post_id}")
        states = [page.locator("#targets > li").nth(i).get_attribute("data-state") for i in range(3)]
        return all(s == "published" for s in states)

    wait_for(published, 240, "the worker to publish on the three sandbox accounts", every=3)
    assert page.locator("[data-permalink]").count() == 3
    b.screenshot("post-published")
    b.open("/queue?state=published")
    assert page.locator(f"#queue a[href='/posts/{post_id}']").count() == 3
    b.screenshot("queue-admin")
    posted = web.site.sandbox.posts()
    assert sum(1 for p in posted if p.get("text") == submitted_post.text) == 3  # once on each


def test_staff_sees_engagement_chart_leaderboard_and_coverage(browse, web, measured_post):
    b = browse("staff")
    page = b.page
    b.open("/engagement")
    assert page.locator("#chart-time svg").count() == 1
    assert page.locator("#chart-group svg").count() == 1
    assert int(page.locator("[data-total-interactions]").get_attribute("data-total-interactions")) >= 100
    assert "Keripik tempe Sanan" in page.locator("#top-posts").inner_text()
    b.screenshot("engagement-staff")
    csv = page.request.get(
        web.base_url + page.locator("a[href^='/engagement/export?format=csv']").get_attribute("href")
    )
    assert csv.status == 200 and "text/csv" in csv.headers["content-type"]
    b.open("/engagement?group_by=platform")
    assert page.locator("#chart-group svg").count() == 1
    b.open(f"/posts/{measured_post.id}")
    assert page.locator("figure.chart svg").count() == 1  # the post's engagement over time
    b.screenshot("post-engagement-staff")
    b.open("/leaderboard")
    assert "median" in page.locator("#formula").inner_text().lower()
    assert page.locator("#leaderboard tbody tr").count() >= 2
    b.screenshot("leaderboard-staff")
    b.open("/coverage")
    assert page.locator("#coverage tbody tr").count() == 57
    b.screenshot("coverage-staff")


def test_language_switch(browse, web):
    b = browse("member")
    page = b.page
    b.open("/calendar")
    assert page.locator("h1").inner_text() == "Kalender"
    with page.expect_navigation():
        page.click(".langs a[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Calendar"
    assert urlsplit_path(page.url) == "/calendar"
    b.open("/")
    assert page.locator("h1").inner_text().startswith("Dashboard")
    assert "Training mode: sandbox account, nothing is really published" in page.locator(".training").inner_text()
    b.open("/compose")
    page.check(f"#acc-{web.accounts['x']}")
    page.fill("#text", LONG_TEXT)
    page.wait_for_selector("#problems-x li[data-code=text_too_long]")
    assert "too long" in page.locator("#problems-x li[data-code=text_too_long]").inner_text()
    with page.expect_navigation():
        page.click(".langs a[lang=id]")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Tulis unggahan"


def urlsplit_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def test_member_cannot_reach_another_kims_pages(browse, web):
    b = browse("member")
    page = b.page
    for path in (
        f"/posts/{web.other_post_id}",
        f"/media/{web.other_media_id}/file",
        f"/calendar?kim={web.other_kim_slug}",
        f"/queue?kim={web.other_kim_slug}",
        f"/engagement?kim={web.other_kim_slug}",
    ):
        response = page.request.get(web.base_url + path)
        assert response.status == 404, (path, response.status)
    b.context.on("console", lambda m: None)
    response = b.open(f"/posts/{web.other_post_id}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Tidak ditemukan"
    b.console_errors.clear()  # the browser logs the 404 of the document itself; that is the point here
    for path in ("/users", "/coverage", "/kims", "/import"):
        assert page.request.get(web.base_url + path).status == 403, path


PAGES = {
    "member": [
        "/",
        "/compose",
        "/calendar",
        "/calendar?view=week",
        "/queue",
        "/media",
        "/accounts",
        "/engagement",
        "/leaderboard",
    ],
    "admin": ["/", "/approvals", "/accounts", "/import", "/users", "/media"],
    "staff": ["/", "/calendar", "/queue", "/engagement", "/leaderboard", "/coverage", "/kims", "/users"],
}


def test_every_main_page_by_role_phone_and_desktop(browse, web):
    for role, paths in PAGES.items():
        b = browse(role)
        page = b.page
        for path in paths:
            response = b.open(path)
            assert response.status == 200, (role, path, response.status)
            assert page.locator("h1").count() >= 1, path
            assert page.locator("a.skip-link[href='#main']").count() == 1
            # every form control has a label (by for=, wrapping label, or aria-label)
            unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll(
                'input:not([type=hidden]), select, textarea')).filter(el =>
                !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.id || el.name)""")
            assert unlabeled == [], (path, unlabeled)
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "dashboard"
            b.screenshot(f"{name}-{role}")
            page.set_viewport_size({"width": 390, "height": 844})
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter(el =>
                el.getBoundingClientRect().right > 392 && !el.closest('.table-wrap, .chart')).slice(0, 5)
                .map(el => el.tagName + '#' + el.id + '.' + el.className)""")
            assert overflow <= 392, (role, path, overflow, wide)
            page.set_viewport_size({"width": 1280, "height": 800})


def test_keyboard_skip_link_and_focus(browse, web):
    b = browse("admin")
    page = b.page
    b.open("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    b.open("/compose")
    page.check(f"#acc-{web.accounts['x']}")
    page.check(f"#acc-{web.accounts['facebook']}")
    page.focus("#tab-x")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.id") == "tab-facebook"
    assert page.locator("#panel-facebook").is_visible()


def test_admin_checks_an_account_sets_slots_and_imports_csv(browse, web, tmp_path):
    b = browse("admin")
    page = b.page
    account = web.accounts["facebook"]
    b.open("/accounts")
    card = page.locator(f"#account-{account}")
    card.locator("form[data-result] button").click()
    wait_for(lambda: card.locator("[data-result-text]").inner_text().strip(), 30, "the account check")
    assert card.locator("[data-result-text]").inner_text() == "Koneksi berjalan baik."
    card.locator("details summary").first.click()
    card.locator(f"#slots-{account}").fill("0 09:00; 2 19.30")
    with page.expect_navigation():
        card.locator("form[data-api$='/slots'] button").click()
    assert "Sen 09.00, Rab 19.30" in page.locator(f"#account-{account}").inner_text()

    # the Facebook account has slots now, so "next_slot" rows can be planned on it
    handle = page.locator(f"#account-{account} h2 .handle").inner_text().lstrip("@")
    target = f"facebook:{handle}"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"text,accounts,at\nPromo kopi Sanan,{target},next_slot\nTanpa akun,,2020-01-01T09:00:00+07:00\n",
        encoding="utf-8",
    )
    b.open("/import")
    page.set_input_files("#csv", str(bad))
    page.click("#dry-run")
    page.wait_for_selector("#import-problems li")
    assert "Baris 3" in page.locator("#import-problems").inner_text()
    assert page.locator("#do-import").is_disabled()
    good = tmp_path / "good.csv"
    good.write_text(f"text,accounts,at\nPromo kopi Sanan dari KIM,{target},next_slot\n", encoding="utf-8")
    page.set_input_files("#csv", str(good))
    page.click("#dry-run")
    wait_for(lambda: not page.locator("#do-import").is_disabled(), 20, "a clean dry run")
    page.click("#do-import")
    wait_for(lambda: "diimpor" in page.locator("#import-result").inner_text(), 20, "the import")
    b.screenshot("import-admin-done")


THREAD_TEXT = "\n\n".join(
    f"Bagian {n}: Keripik tempe Sanan renyah dan gurih, dibuat dari kedelai pilihan oleh UMKM "
    f"Kelurahan Purwantoro. Mampir ke Kampung Warna-Warni Jodipan, kopi Dampit menunggu. ꦩꦭꦁ 🙂"
    for n in range(1, 5)
)


def _thread_cards(page, scope: str) -> list[tuple[str, str, str]]:
    """(number, count, text) of each part shown in ``scope``."""
    cards = page.locator(f"{scope} .thread-part")
    return [
        (
            cards.nth(i).locator(".part-no").inner_text(),
            cards.nth(i).locator(".counter").inner_text(),
            cards.nth(i).locator(".pv-text").inner_text(),
        )
        for i in range(cards.count())
    ]


def test_compose_previews_an_x_thread_part_by_part_and_the_post_page_keeps_them(browse, web):
    b = browse("member")
    page = b.page
    b.open("/compose")
    page.check(f"#acc-{web.accounts['x']}")
    page.fill("#text", THREAD_TEXT)
    page.wait_for_selector("#problems-x li[data-code=text_too_long]")
    assert page.locator("#panel-x [data-pv-thread]").is_hidden()
    page.check("#as-thread")
    page.wait_for_selector("#panel-x [data-pv-thread] .thread-part")
    wait_for(lambda: page.locator("#problems-x li.error").count() == 0, 20, "the thread to be accepted")
    cards = _thread_cards(page, "#panel-x")
    total = len(cards)
    assert total >= 2
    assert [number for number, _, _ in cards] == [f"{i}/{total}" for i in range(1, total + 1)]
    counts = [re.fullmatch(r"(\d+) / 280", count) for _, count, _ in cards]
    assert all(m and 0 < int(m.group(1)) <= 280 for m in counts), cards
    assert " ".join(text for _, _, text in cards).split() == THREAD_TEXT.split()
    assert page.locator("#count-x").inner_text() == f"Utas · {total} bagian"
    b.screenshot("compose-x-thread")
    # live: a longer text makes more parts while the author types
    page.fill("#text", THREAD_TEXT + "\n\nBagian 5: " + "Lengkap dengan sambal bawang. " * 9)
    wait_for(lambda: len(_thread_cards(page, "#panel-x")) > total, 20, "the preview to follow the text")
    wait_for(lambda: page.locator("#problems-x li.error").count() == 0, 20, "the longer thread to be accepted")
    shown = _thread_cards(page, "#panel-x")
    with page.expect_navigation():
        page.click("#save-draft")
    assert re.search(r"/posts/\d+$", page.url), page.url
    assert _thread_cards(page, "#targets") == shown, "the post page shows the parts the target stored"
    b.screenshot("post-x-thread")
