"""Sample photos for the demo, drawn with Pillow (no files shipped, no network).

A square 1080x1080 JPEG: a coloured background, a few shapes, the name of
what the post promotes and its kelurahan. Square suits all three platforms
(Instagram's 4:5 .. 1.91:1, X, Facebook) so no padding is needed.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

SIZE = 1080


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)  # Pillow's bundled FreeType font
    except (TypeError, OSError):  # Pillow built without FreeType: a bitmap font
        return ImageFont.load_default()


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def sample_photo(title: str, subtitle: str, colours: tuple[str, str], seed: str) -> bytes:
    """JPEG bytes of a demo photo; the same arguments give the same bytes."""
    background, accent = colours
    rng = random.Random(seed)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    for _ in range(7):  # soft circles, so no two photos look alike
        r = rng.randint(80, 260)
        x, y = rng.randint(0, SIZE), rng.randint(0, SIZE)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=accent, width=rng.randint(4, 14))
    draw.rectangle((60, 600, SIZE - 60, SIZE - 60), fill="white")
    title_font, small_font = _font(64), _font(38)
    y = 640
    for line in _wrap(draw, title, title_font, SIZE - 200)[:3]:
        draw.text((100, y), line, fill=background, font=title_font)
        y += 80
    draw.text((100, SIZE - 150), subtitle, fill="#333333", font=small_font)
    draw.text((100, 100), "SIAR · KIM Kota Malang", fill=accent, font=small_font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
