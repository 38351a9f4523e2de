"""A member composes, an admin approves, the worker publishes: all through the pages.

Tests in this module run in order and share the module's site (``web.state``
carries the post id from one to the next).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline_sitekit import wait_until as wait_for  # loaded by this directory's conftest

WIB = ZoneInfo("Asia/Jakarta")
LONG_TEXT = ("Keripik tempe Sanan renyah dan gurih, dibuat dari kedelai pilihan oleh UMKM Kelurahan "
             "Purwantoro. ") * 4  # ~ 380 characters: over X's 280
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
    b.screenshot("compose-member")

    page.fill("#text", GOOD_TEXT)
    option = page.locator("#subject option", has_text=web.product_name)
    page.select_option("#subject", value=option.get_attribute("value"))
    at = (datetime.now(timezone.utc) + timedelta(minutes=2)).astimezone(WIB)
    page.fill("#at", at.strftime("%Y-%m-%dT%H:%M"))
    wait_for(lambda: not page.locator("#submit").is_disabled(), 20, "the live check to pass")
    assert page.locator("#problems-x li.error").count() == 0
    with page.expect_navigation():
        page.click("#submit")
    match = re.search(r"/posts/(\d+)$", page.url)
    assert match, page.url
    web.state["post_id"] = int(match.group(1))
    assert "Menunggu persetujuan" in page.locator("h1").inner_text()
    assert page.locator("#targets > li").count() == 3


def test_admin_approves_then_calendar_and_published(browse, web):
    post_id = web.state["post_id"]
    b = browse("admin")
    page = b.page
    b.open("/approvals")
    item = page.locator(f"#approvals li[data-post='{post_id}']")
    assert "Keripik tempe Sanan" in item.inner_text()
    b.screenshot("approvals-admin")
    with page.expect_navigation():
        item.locator("form[data-api$='/approve'] button").click()
    assert page.locator(f"#approvals li[data-post='{post_id}']").count() == 0

    b.open("/calendar")
    chips = page.locator(f"#calendar a.chip[href='/posts/{post_id}']")
    assert chips.count() == 3
    b.screenshot("calendar-month-admin")
    b.open("/calendar?view=week")
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
    assert sum(1 for p in posted if "Keripik tempe Sanan, renyah" in (p.get("text") or "")) == 3
