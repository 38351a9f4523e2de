"""The sandbox's memory: accounts, posts, uploads and create-request counts.

Everything lives in one SQLite database: a throw-away temporary file by
default, or a file that stays (``--state FILE``) so a training session or a
demo survives a restart. The
server is a single asyncio thread, so one connection in autocommit mode is
enough and every write is durable (as far as SQLite's ``synchronous=NORMAL``
goes) before the answer leaves: a post that was "applied, then the connection
dropped" really is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

PLATFORMS = ("x", "facebook", "instagram")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    account_id TEXT NOT NULL,
    secrets TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    PRIMARY KEY (platform, handle)
);
CREATE TABLE IF NOT EXISTS posts (
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    handle TEXT NOT NULL,
    text TEXT NOT NULL,
    media_count INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    created_at REAL NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    fingerprint TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    metrics TEXT,
    PRIMARY KEY (platform, id)
);
CREATE INDEX IF NOT EXISTS posts_by_account ON posts (platform, handle, created_at);
DROP INDEX IF EXISTS posts_by_fingerprint;
-- three equalities and the time range: the duplicate check stays O(log n) as an account's posts grow
CREATE INDEX IF NOT EXISTS posts_by_content ON posts (platform, handle, fingerprint, created_at);
CREATE TABLE IF NOT EXISTS create_requests (
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (platform, handle, fingerprint)
);
CREATE TABLE IF NOT EXISTS uploads (
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    handle TEXT NOT NULL,
    kind TEXT NOT NULL,
    total_bytes INTEGER NOT NULL,
    received_bytes INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (platform, id)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

# First ids per platform, so ids look like the real ones (long numbers).
_ID_BASES = {"x": 1_860_000_000_000_000_000, "facebook": 122_100_000_000_000, "instagram": 3_500_000_000_000_000_000}


def fingerprint(text: str, media_count: int) -> str:
    """Content fingerprint of a create request: the text (trimmed) and how many media it carries."""
    return hashlib.sha1(f"{text.strip()}\x00{media_count}".encode()).hexdigest()


@dataclass
class Account:
    """A sandbox account and the secrets the sandbox issued for it."""

    platform: str
    handle: str
    account_id: str
    secrets: dict[str, Any]
    flags: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0


@dataclass
class Post:
    """A stored post (tweet, Page post, Instagram media)."""

    platform: str
    id: str
    handle: str
    text: str
    media_count: int
    media_type: str
    created_at: float
    deleted: bool
    fingerprint: str
    extra: dict[str, Any]
    metrics: dict[str, int] | None


class Store:
    """SQLite-backed state; accounts are also cached in memory for fast auth checks."""

    def __init__(self, path: str | None = None) -> None:
        """``path``: a SQLite file that outlives the process; None: a throw-away database.

        The throw-away database is a temporary file deleted on close, not ``:memory:``:
        SQLite then keeps only a small page cache in the process, so the sandbox's
        memory stays flat however many posts a demo or a benchmark creates.
        ``":memory:"`` is still accepted.
        """
        self._temporary: str | None = None
        if path is None:
            fd, path = tempfile.mkstemp(prefix="siar-sandbox-", suffix=".sqlite")
            os.close(fd)
            self._temporary = path
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        if self._temporary:
            # nobody needs this file after a crash: skip durability work
            self._db.execute("PRAGMA journal_mode=MEMORY")
            self._db.execute("PRAGMA synchronous=OFF")
        elif path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._accounts: dict[tuple[str, str], Account] = {}
        self._by_key: dict[tuple[str, str], Account] = {}
        self._load_accounts()

    @property
    def is_temporary(self) -> bool:
        """Whether the state is thrown away on close."""
        return self._temporary is not None

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """Group writes into one transaction, committed by :meth:`flush` (the server calls it every
        50 ms and on shutdown): one commit per batch instead of several per request keeps a file-backed
        sandbox fast. Reads on this connection see the writes at once."""
        with self._lock:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            yield

    def flush(self) -> None:
        """Commit pending writes."""
        with self._lock:
            if self._db.in_transaction:
                self._db.execute("COMMIT")

    # -- accounts ---------------------------------------------------------
    def _load_accounts(self) -> None:
        self._accounts.clear()
        self._by_key.clear()
        for row in self._db.execute("SELECT platform, handle, account_id, secrets, flags, created_at FROM accounts"):
            self._cache(Account(row[0], row[1], row[2], json.loads(row[3]), json.loads(row[4]), row[5]))

    def _cache(self, account: Account) -> None:
        self._accounts[(account.platform, account.handle)] = account
        self._by_key[(account.platform, "id:" + account.account_id)] = account
        for name in ("access_token", "page_access_token", "sessionid"):
            if name in account.secrets:
                self._by_key[(account.platform, f"{name}:{account.secrets[name]}")] = account

    def add_account(self, account: Account) -> None:
        """Store a new account (its secrets are issued by ``sandbox.credentials``)."""
        with self._write():
            self._db.execute(
                "INSERT INTO accounts VALUES (?,?,?,?,?,?)",
                (
                    account.platform,
                    account.handle,
                    account.account_id,
                    json.dumps(account.secrets),
                    json.dumps(account.flags),
                    account.created_at,
                ),
            )
            self._cache(account)

    def save_account(self, account: Account) -> None:
        """Persist changed secrets or flags of an existing account."""
        with self._write():
            self._db.execute(
                "UPDATE accounts SET secrets=?, flags=? WHERE platform=? AND handle=?",
                (json.dumps(account.secrets), json.dumps(account.flags), account.platform, account.handle),
            )
            self._load_accounts()

    def account(self, platform: str, handle: str) -> Account | None:
        """The account with this handle, or None."""
        return self._accounts.get((platform, handle))

    def account_by(self, platform: str, key: str, value: str) -> Account | None:
        """Find an account by account id (``key="id"``) or by an issued secret (``access_token``...)."""
        return self._by_key.get((platform, f"{key}:{value}"))

    def accounts(self) -> list[Account]:
        """Every account, oldest first."""
        return sorted(self._accounts.values(), key=lambda a: (a.created_at, a.platform, a.handle))

    # -- ids --------------------------------------------------------------
    def next_id(self, platform: str) -> int:
        """A fresh numeric id for this platform (posts, media and uploads share the sequence)."""
        with self._write():
            row = self._db.execute(
                "INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                (platform,),
            ).fetchone()
            return _ID_BASES.get(platform, 1_000_000) + int(row[0]) * 7919

    # -- posts ------------------------------------------------------------
    def count_create(self, platform: str, handle: str, fp: str) -> int:
        """Count one create request carrying content ``fp``; returns the new count."""
        with self._write():
            row = self._db.execute(
                "INSERT INTO create_requests VALUES (?,?,?,1) ON CONFLICT(platform, handle, fingerprint) "
                "DO UPDATE SET n = n + 1 RETURNING n",
                (platform, handle, fp),
            ).fetchone()
            return int(row[0])

    def add_post(self, post: Post) -> Post:
        """Store a new post."""
        with self._write():
            self._db.execute(
                "INSERT INTO posts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    post.platform,
                    post.id,
                    post.handle,
                    post.text,
                    post.media_count,
                    post.media_type,
                    post.created_at,
                    int(post.deleted),
                    post.fingerprint,
                    json.dumps(post.extra),
                    json.dumps(post.metrics) if post.metrics is not None else None,
                ),
            )
        return post

    def post(self, platform: str, post_id: str) -> Post | None:
        """One post by id (deleted ones included), or None."""
        row = self._db.execute("SELECT * FROM posts WHERE platform=? AND id=?", (platform, str(post_id))).fetchone()
        return _post(row) if row else None

    def posts_by_ids(self, platform: str, ids: Iterable[str]) -> dict[str, Post]:
        """The posts among ``ids`` that exist (deleted ones included), by id."""
        ids = [str(i) for i in ids]
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT * FROM posts WHERE platform=? AND id IN ({marks})", (platform, *ids))
        return {row[1]: _post(row) for row in rows}

    def recent_duplicate(self, platform: str, handle: str, fp: str, since: float) -> Post | None:
        """A live post of this account with the same content created after ``since``."""
        row = self._db.execute(
            "SELECT * FROM posts WHERE platform=? AND handle=? AND fingerprint=? AND created_at>=? AND deleted=0 "
            "LIMIT 1",
            (platform, handle, fp, since),
        ).fetchone()
        return _post(row) if row else None

    def account_posts(
        self,
        platform: str,
        handle: str,
        *,
        since: float | None = None,
        until: float | None = None,
        before_id_time: float | None = None,
        limit: int = 100,
        include_deleted: bool = False,
    ) -> list[Post]:
        """Posts of one account, newest first, optionally within a time range."""
        sql = "SELECT * FROM posts WHERE platform=? AND handle=?"
        args: list[Any] = [platform, handle]
        if not include_deleted:
            sql += " AND deleted=0"
        if since is not None:
            sql += " AND created_at>=?"
            args.append(since)
        if until is not None:
            sql += " AND created_at<?"
            args.append(until)
        if before_id_time is not None:
            sql += " AND created_at<?"
            args.append(before_id_time)
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?"
        args.append(limit)
        return [_post(row) for row in self._db.execute(sql, args)]

    def all_posts(self, platform: str | None = None, handle: str | None = None) -> list[tuple[Post, int]]:
        """Every post (deleted included) with its create-request count, oldest first."""
        sql = (
            "SELECT p.*, COALESCE(c.n, 0) FROM posts p LEFT JOIN create_requests c "
            "ON c.platform=p.platform AND c.handle=p.handle AND c.fingerprint=p.fingerprint WHERE 1=1"
        )
        args: list[Any] = []
        if platform:
            sql += " AND p.platform=?"
            args.append(platform)
        if handle:
            sql += " AND p.handle=?"
            args.append(handle)
        sql += " ORDER BY p.created_at, p.rowid"
        return [(_post(row[:11]), int(row[11])) for row in self._db.execute(sql, args)]

    def mark_deleted(self, platform: str, post_id: str) -> None:
        """Flag a post as deleted (kept, so the admin API can still show it)."""
        with self._write():
            self._db.execute("UPDATE posts SET deleted=1 WHERE platform=? AND id=?", (platform, str(post_id)))

    def set_metrics(self, platform: str, post_id: str, metrics: dict[str, int]) -> None:
        """Replace the ground-truth metrics of a post (merged over earlier ones)."""
        with self._write():
            post = self.post(platform, post_id)
            merged = dict(post.metrics or {}) if post else {}
            merged.update(metrics)
            self._db.execute(
                "UPDATE posts SET metrics=? WHERE platform=? AND id=?", (json.dumps(merged), platform, str(post_id))
            )

    def count_posts(self) -> int:
        """How many posts are stored (all platforms)."""
        return int(self._db.execute("SELECT COUNT(*) FROM posts").fetchone()[0])

    # -- uploads ----------------------------------------------------------
    def add_upload(
        self,
        platform: str,
        upload_id: str,
        handle: str,
        kind: str,
        total: int,
        received: int,
        state: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Record a media upload (X media id, Facebook unpublished photo, Instagram upload id)."""
        with self._write():
            self._db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?,?,?,?,?,?,?,?,?)",
                (platform, str(upload_id), handle, kind, total, received, state, time.time(), json.dumps(extra or {})),
            )

    def upload(self, platform: str, upload_id: str) -> dict[str, Any] | None:
        """One upload as a dict, or None."""
        row = self._db.execute(
            "SELECT id, handle, kind, total_bytes, received_bytes, state, created_at, extra FROM uploads "
            "WHERE platform=? AND id=?",
            (platform, str(upload_id)),
        ).fetchone()
        if not row:
            return None
        return {
            "id": row[0],
            "handle": row[1],
            "kind": row[2],
            "total_bytes": row[3],
            "received_bytes": row[4],
            "state": row[5],
            "created_at": row[6],
            "extra": json.loads(row[7]),
        }

    def update_upload(
        self,
        platform: str,
        upload_id: str,
        *,
        received: int | None = None,
        state: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Advance a chunked upload (``extra`` is merged into its extra data)."""
        with self._write():
            if extra:
                current = self.upload(platform, upload_id)
                merged = {**(current["extra"] if current else {}), **extra}
                self._db.execute(
                    "UPDATE uploads SET extra=? WHERE platform=? AND id=?",
                    (json.dumps(merged), platform, str(upload_id)),
                )
            if received is not None:
                self._db.execute(
                    "UPDATE uploads SET received_bytes=? WHERE platform=? AND id=?",
                    (received, platform, str(upload_id)),
                )
            if state is not None:
                self._db.execute(
                    "UPDATE uploads SET state=? WHERE platform=? AND id=?", (state, platform, str(upload_id))
                )

    # -- everything -------------------------------------------------------
    def reset(self) -> None:
        """Forget every account, post and upload."""
        with self._write():
            for table in ("accounts", "posts", "create_requests", "uploads", "counters"):
                self._db.execute(f"DELETE FROM {table}")
            self._load_accounts()

    def close(self) -> None:
        """Commit and close the database (a throw-away one is deleted)."""
        self.flush()
        self._db.close()
        if self._temporary:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self._temporary + suffix)


def _post(row: tuple[Any, ...]) -> Post:
    return Post(
        platform=row[0],
        id=row[1],
        handle=row[2],
        text=row[3],
        media_count=row[4],
        media_type=row[5],
        created_at=row[6],
        deleted=bool(row[7]),
        fingerprint=row[8],
        extra=json.loads(row[9]),
        metrics=json.loads(row[10]) if row[10] else None,
    )
