"""The shape every platform's rules take, and the one validator that reads them.

A platform is described by data (a frozen :class:`PlatformRules`), so the
validator has no ``if platform == ...``: X, Facebook and Instagram differ
only in their rules objects (rules/x.py, facebook.py, instagram.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import InvalidInput, Problem, Severity
from ..hashtags import count_hashtags
from ..model import MediaAsset, MediaKind


@dataclass(frozen=True)
class MediaInfo:
    """What the rules need to know about one attached file."""

    kind: MediaKind
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None

    @classmethod
    def from_asset(cls, asset: MediaAsset) -> MediaInfo:
        return cls(
            kind=MediaKind(asset.kind),
            mime_type=asset.mime_type,
            size_bytes=asset.size_bytes,
            width=asset.width,
            height=asset.height,
            duration_seconds=asset.duration_seconds,
        )

    @property
    def aspect(self) -> float | None:
        """width / height, or None when unknown."""
        if not self.width or not self.height:
            return None
        return self.width / self.height


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as JavaScript and the platforms' apps count it.

    An emoji outside the BMP counts 2: stricter than counting code points, so
    a caption we accept is never refused for length by the platform.
    """
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class AspectRule:
    """Allowed width/height range; ``fixable`` means Siar pads images to fit (a warning)."""

    min_ratio: float
    max_ratio: float
    label: str  # "4:5 dan 1,91:1" -- shown to the member
    fixable: bool


@dataclass(frozen=True)
class MediaKindRules:
    mime_types: frozenset[str]
    max_count: int
    max_bytes: int
    # Images are re-encoded by connectors/media.py, so an over-size image is
    # shrunk (a warning); a video is sent as is, so over-size is an error.
    oversize_fixable: bool
    aspect: AspectRule | None = None
    min_seconds: float | None = None
    max_seconds: float | None = None


@dataclass(frozen=True)
class Checked:
    """A content checked against one platform's rules.

    ``parts``: what the platform publishes, post by post (see
    :meth:`PlatformRules.parts`); None on a platform without threads, or
    when the text could not be split.
    """

    problems: list[Problem]
    parts: tuple[str, ...] | None


@dataclass(frozen=True)
class PlatformRules:
    """Everything Siar checks before it sends a post to one platform."""

    platform: str
    name: str
    docs: tuple[str, ...]
    text_limit: int
    text_counting: tuple[str, str]  # how text_limit is counted: (Bahasa Indonesia, English)
    count_text: Callable[[str], int]
    image: MediaKindRules
    video: MediaKindRules
    max_media: int
    min_media: int = 0  # 1 = a text-only post does not exist
    mix_allowed: bool = False  # images and videos in one post
    max_hashtags: int | None = None
    solo_mime_types: frozenset[str] = frozenset()  # e.g. an X GIF must be alone
    split_thread: Callable[[str], list[str]] | None = None  # platforms with threads
    max_thread: int | None = None
    extra_checks: tuple[Callable[[str], list[Problem]], ...] = field(default=())

    # -- what is published ----------------------------------------------------
    def parts(self, text: str, as_thread: bool = False) -> tuple[str, ...] | None:
        """The texts this platform publishes for ``text``, one post each, in order.

        On a platform with threads (X): one part, ``text`` itself, unless
        ``as_thread`` and the text is over the limit; then the thread's parts
        (:attr:`split_thread`), never none (a media-only post has one empty
        part). None on a platform without threads: the text goes out whole.
        This is the one place a thread is split: validation counts these
        parts, the compose page shows them, the target stores them and the
        connector publishes exactly them. Raises InvalidInput for characters
        the splitter refuses.
        """
        if self.split_thread is None:
            return None
        if as_thread and self.count_text(text) > self.text_limit:
            return tuple(self.split_thread(text)) or ("",)
        return (text,)

    # -- validation -----------------------------------------------------------
    def validate(self, text: str, media: list[MediaInfo], as_thread: bool = False) -> list[Problem]:
        """Every problem with this content on this platform (errors and warnings)."""
        return self.check(text, media, as_thread).problems

    def check(self, text: str, media: list[MediaInfo], as_thread: bool = False) -> Checked:
        """Every problem with this content on this platform, and the parts it publishes."""
        problems: list[Problem] = []
        parts: tuple[str, ...] | None = None
        try:
            parts = self.parts(text, as_thread)
        except InvalidInput as e:
            problems.append(self._p(e.code, e.field or "text", e.message_id, e.message_en))
        problems += self._check_text(text, media, as_thread, parts)
        problems += self._check_media(media)
        for check in self.extra_checks:
            problems += check(text)
        # The same finding can come from two checks (e.g. invisible characters
        # found while splitting a thread and by X's own check): report it once.
        unique: dict[tuple[str, str | None, str], Problem] = {}
        for p in problems:
            unique.setdefault((p.code, p.field, p.message_id), p)
        return Checked(list(unique.values()), parts)

    def _p(self, code: str, fld: str, mid: str, men: str, severity: Severity = "error") -> Problem:
        return Problem(code, fld, mid, men, platform=self.platform, severity=severity)

    def _check_text(
        self, text: str, media: list[MediaInfo], as_thread: bool, parts: tuple[str, ...] | None
    ) -> list[Problem]:
        out: list[Problem] = []
        if not text.strip() and not media:
            out.append(
                self._p(
                    "empty_post",
                    "text",
                    "Tulis teks atau lampirkan foto/video.",
                    "Write some text or attach a photo/video.",
                )
            )
            return out
        length = self.count_text(text)
        if length > self.text_limit:
            if as_thread and self.split_thread is not None:
                out += self._check_thread(parts)
            else:
                hint_id = hint_en = ""
                if self.split_thread is not None:
                    hint_id = " Pendekkan teks atau pilih \u201cjadikan utas\u201d."
                    hint_en = " Shorten it or choose \u201cpost as a thread\u201d."
                out.append(
                    self._p(
                        "text_too_long",
                        "text",
                        f"Teks terlalu panjang untuk {self.name}: {length} dari batas "
                        f"{self.text_limit} ({self.text_counting[0]}).{hint_id}",
                        f"The text is too long for {self.name}: {length} of at most "
                        f"{self.text_limit} ({self.text_counting[1]}).{hint_en}",
                    )
                )
        if self.max_hashtags is not None:
            tags = count_hashtags(text)
            if tags > self.max_hashtags:
                out.append(
                    self._p(
                        "too_many_hashtags",
                        "text",
                        f"Terlalu banyak tagar untuk {self.name}: {tags}, paling banyak {self.max_hashtags}.",
                        f"Too many hashtags for {self.name}: {tags}, at most {self.max_hashtags}.",
                    )
                )
        return out

    def _check_thread(self, parts: tuple[str, ...] | None) -> list[Problem]:
        if parts is None:  # the splitter refused the text: already reported by check()
            return []
        if self.max_thread is not None and len(parts) > self.max_thread:
            return [
                self._p(
                    "thread_too_long",
                    "text",
                    f"Teks ini menjadi {len(parts)} bagian utas; paling banyak {self.max_thread}. Pendekkan teksnya.",
                    f"This text makes a thread of {len(parts)} parts; at most {self.max_thread}. Shorten it.",
                )
            ]
        return []

    def _check_media(self, media: list[MediaInfo]) -> list[Problem]:
        out: list[Problem] = []
        images = [m for m in media if m.kind == MediaKind.IMAGE]
        videos = [m for m in media if m.kind == MediaKind.VIDEO]
        if len(media) < self.min_media:
            out.append(
                self._p(
                    "media_required",
                    "media",
                    f"{self.name} butuh minimal {self.min_media} foto atau video; posting teks saja tidak bisa.",
                    f"{self.name} needs at least {self.min_media} photo or video; a text-only post is not possible.",
                )
            )
        if len(media) > self.max_media:
            out.append(
                self._p(
                    "too_many_media",
                    "media",
                    f"Terlalu banyak lampiran untuk {self.name}: {len(media)}, paling banyak {self.max_media}.",
                    f"Too many attachments for {self.name}: {len(media)}, at most {self.max_media}.",
                )
            )
        if images and videos and not self.mix_allowed:
            out.append(
                self._p(
                    "media_mixed",
                    "media",
                    f"{self.name} tidak bisa menggabungkan foto dan video dalam satu posting. "
                    f"Pilih foto saja atau satu video.",
                    f"{self.name} cannot mix photos and videos in one post. Choose photos only or one video.",
                )
            )
        solo = [m for m in media if m.mime_type in self.solo_mime_types]
        if solo and len(media) > 1:
            out.append(
                self._p(
                    "media_must_be_alone",
                    "media",
                    f"GIF di {self.name} harus dikirim sendiri, tanpa lampiran lain.",
                    f"A GIF on {self.name} must be posted alone, with no other attachment.",
                )
            )
        for kind_rules, items, word_id, word_en in (
            (self.image, images, "foto", "photos"),
            (self.video, videos, "video", "videos"),
        ):
            if len(items) > kind_rules.max_count and len(media) <= self.max_media:
                out.append(
                    self._p(
                        "too_many_media",
                        "media",
                        f"Terlalu banyak {word_id} untuk {self.name}: {len(items)}, paling banyak "
                        f"{kind_rules.max_count}.",
                        f"Too many {word_en} for {self.name}: {len(items)}, at most {kind_rules.max_count}.",
                    )
                )
        for n, m in enumerate(media, start=1):
            out += self._check_one(n, m, self.image if m.kind == MediaKind.IMAGE else self.video)
        return out

    def _check_one(self, n: int, m: MediaInfo, r: MediaKindRules) -> list[Problem]:
        out: list[Problem] = []
        what_id = "Foto" if m.kind == MediaKind.IMAGE else "Video"
        what_en = "Photo" if m.kind == MediaKind.IMAGE else "Video"
        if m.mime_type.lower() not in r.mime_types:
            out.append(
                self._p(
                    "media_type_not_supported",
                    "media",
                    f"{what_id} ke-{n} berformat {m.mime_type}, tidak diterima {self.name}.",
                    f"{what_en} {n} is {m.mime_type}, which {self.name} does not accept.",
                )
            )
        if m.size_bytes > r.max_bytes:
            mb = r.max_bytes / 1_000_000
            if r.oversize_fixable:
                out.append(
                    self._p(
                        "media_will_be_shrunk",
                        "media",
                        f"{what_id} ke-{n} lebih dari {mb:g} MB; Siar akan memperkecilnya.",
                        f"{what_en} {n} is over {mb:g} MB; Siar will shrink it.",
                        "warning",
                    )
                )
            else:
                out.append(
                    self._p(
                        "media_too_large",
                        "media",
                        f"{what_id} ke-{n} terlalu besar untuk {self.name} (paling besar {mb:g} MB).",
                        f"{what_en} {n} is too large for {self.name} (at most {mb:g} MB).",
                    )
                )
        if m.duration_seconds is not None:
            if r.min_seconds is not None and m.duration_seconds < r.min_seconds:
                out.append(
                    self._p(
                        "video_too_short",
                        "media",
                        f"Video ke-{n} terlalu pendek untuk {self.name} (minimal {r.min_seconds:g} detik).",
                        f"Video {n} is too short for {self.name} (at least {r.min_seconds:g} s).",
                    )
                )
            if r.max_seconds is not None and m.duration_seconds > r.max_seconds:
                out.append(
                    self._p(
                        "video_too_long",
                        "media",
                        f"Video ke-{n} terlalu panjang untuk {self.name} (paling lama {r.max_seconds:g} detik).",
                        f"Video {n} is too long for {self.name} (at most {r.max_seconds:g} s).",
                    )
                )
        ratio = m.aspect
        if (
            r.aspect is not None
            and ratio is not None
            and not (r.aspect.min_ratio - 1e-3 <= ratio <= r.aspect.max_ratio + 1e-3)
        ):
            if r.aspect.fixable:
                out.append(
                    self._p(
                        "aspect_will_be_padded",
                        "media",
                        f"Bentuk {what_id.lower()} ke-{n} ({m.width}x{m.height}) di luar rasio "
                        f"{self.name} ({r.aspect.label}); Siar akan menambah bingkai polos agar pas.",
                        f"{what_en} {n} ({m.width}x{m.height}) is outside {self.name}'s ratio "
                        f"({r.aspect.label}); Siar will add plain borders to fit.",
                        "warning",
                    )
                )
            else:
                out.append(
                    self._p(
                        "aspect_not_allowed",
                        "media",
                        f"Bentuk {what_id.lower()} ke-{n} ({m.width}x{m.height}) tidak diterima "
                        f"{self.name}; rasio harus antara {r.aspect.label}.",
                        f"{what_en} {n} ({m.width}x{m.height}) is not accepted by {self.name}; the "
                        f"ratio must be between {r.aspect.label}.",
                    )
                )
        return out
