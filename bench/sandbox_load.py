"""Load benchmark of the sandbox: create requests per second, and memory over many posts.

Starts the sandbox as a separate process (``python -m sandbox serve``), then
50 concurrent clients (one asyncio process, aiohttp) send create requests:
Facebook Page posts (token in the form) and X tweets (each one OAuth 1.0a
signed, as tweepy would). It prints requests/s per platform and the server's
resident memory (VmRSS) after a warm-up and at the end, so growth per post is
visible. Run:

    .venv/bin/python bench/sandbox_load.py                 # 100,000 posts, state in a SQLite file (--state)
    .venv/bin/python bench/sandbox_load.py --temporary     # the default throw-away state
    .venv/bin/python bench/sandbox_load.py --posts 20000   # shorter

Figures depend on the machine (2 shared cores here, client and server on the
same machine): read them as an order of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests
from requests_oauthlib import OAuth1

from connectors.graph_versions import DEFAULT_VERSION  # the Graph API version Siar calls by default

ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(state: str | None) -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, "-m", "sandbox", "serve", "--port", "0"]
    if state:
        args += ["--state", state]
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.split(" at ", 1)[1].split()[0]


def x_signer(creds: dict[str, str]) -> OAuth1:
    return OAuth1(
        creds["consumer_key"],
        client_secret=creds["consumer_secret"],
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
    )


def sign_x(auth: OAuth1) -> str:
    """An OAuth 1.0a header for POST https://api.twitter.com/2/tweets (JSON bodies are not signed)."""
    prepared = requests.Request("POST", "https://api.twitter.com/2/tweets", auth=auth).prepare()
    value = prepared.headers["Authorization"]
    return value.decode() if isinstance(value, bytes) else value


async def run_phase(
    base: str, platform: str, creds: list[dict[str, str]], total: int, start_at: int, concurrency: int
) -> tuple[int, int, float]:
    """Send ``total`` creates with ``concurrency`` clients; returns (ok, failed, seconds)."""
    counter = iter(range(start_at, start_at + total))
    ok = failed = 0
    signers = [x_signer(c) for c in creds] if platform == "x" else []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(n: int) -> None:
            nonlocal ok, failed
            account = creds[n % len(creds)]
            for i in counter:
                text = f"Promo UMKM Kelurahan #{i}: keripik tempe, kopi Dampit, wisata Jodipan"
                if platform == "facebook":
                    request = session.post(
                        f"{base}/{DEFAULT_VERSION}/{account['page_id']}/feed",
                        data={"message": text, "access_token": account["page_access_token"]},
                    )
                else:
                    request = session.post(
                        f"{base}/2/tweets",
                        json={"text": text},
                        headers={"Authorization": sign_x(signers[n % len(signers)])},
                    )
                async with request as response:
                    await response.read()
                    if response.status in (200, 201):
                        ok += 1
                    else:
                        failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(concurrency)))
        return ok, failed, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="total create requests (default 100000)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--accounts", type=int, default=50, help="accounts per platform")
    parser.add_argument(
        "--temporary", action="store_true", help="the server's default throw-away state instead of --state FILE"
    )
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        state = None if opts.temporary else str(Path(tmp) / "sandbox.sqlite")
        proc, base = start_server(state)
        try:
            http = requests.Session()
            creds = {
                p: [
                    http.post(
                        f"{base}/_sandbox/accounts", json={"platform": p, "handle": f"kim_{p}_{i}"}, timeout=10
                    ).json()
                    for i in range(opts.accounts)
                ]
                for p in ("facebook", "x")
            }
            state = "temporary (default)" if opts.temporary else "sqlite file (--state)"
            print(
                f"sandbox {base} state={state} pid={proc.pid} "
                f"clients={opts.concurrency} accounts/platform={opts.accounts}"
            )
            warm = min(5_000, opts.posts // 10)
            asyncio.run(run_phase(base, "facebook", creds["facebook"], warm, 0, opts.concurrency))
            rss_before = rss_kib(proc.pid)
            print(f"RSS after warm-up ({warm} posts): {rss_before / 1024:.1f} MiB")
            rest = opts.posts - warm
            x_share = rest // 5  # signed X creates are the costlier kind; one fifth of the load
            cpu0 = cpu_s(proc.pid)
            fb_ok, fb_failed, fb_s = asyncio.run(
                run_phase(base, "facebook", creds["facebook"], rest - x_share, warm, opts.concurrency)
            )
            cpu1 = cpu_s(proc.pid)
            print(
                f"facebook creates: {fb_ok} ok, {fb_failed} failed in {fb_s:.1f} s -> {fb_ok / fb_s:,.0f} creates/s"
                f" (server CPU {(cpu1 - cpu0) * 1e6 / max(fb_ok, 1):.0f} us/create"
                f" = {max(fb_ok, 1) / max(cpu1 - cpu0, 1e-9):,.0f} creates/s per server core)"
            )
            x_ok, x_failed, x_s = asyncio.run(run_phase(base, "x", creds["x"], x_share, rest, opts.concurrency))
            cpu2 = cpu_s(proc.pid)
            print(
                f"x creates (OAuth1 signed): {x_ok} ok, {x_failed} failed in {x_s:.1f} s "
                f"-> {x_ok / x_s:,.0f} creates/s (server CPU {(cpu2 - cpu1) * 1e6 / max(x_ok, 1):.0f} us/create"
                f" = {max(x_ok, 1) / max(cpu2 - cpu1, 1e-9):,.0f} creates/s per server core)"
            )
            rss_after = rss_kib(proc.pid)
            total = http.get(f"{base}/_sandbox/health", timeout=30).json()["posts"]
            print(f"posts stored: {total}")
            print(
                f"RSS before: {rss_before / 1024:.1f} MiB, after: {rss_after / 1024:.1f} MiB, "
                f"growth: {(rss_after - rss_before) / 1024:.1f} MiB "
                f"({(rss_after - rss_before) * 1024 / max(1, total - warm):.0f} bytes/post)"
            )
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
