"""Posters and letters: the deep link that preselects a municipality, language and topic, as a QR code."""

from __future__ import annotations

from pathlib import Path


def deep_link(username: str, municipality: str, lang: str | None = None,
              topic: str | None = None) -> tuple[str, str]:
    """(the /start payload, the t.me link): `<municipality>[-<language>[-<topic>]]`."""
    payload = "-".join(x for x in (municipality, lang, topic) if x)
    return payload, f"https://t.me/{username.lstrip('@')}?start={payload}"


def write_qr_codes(link: str, name: str, out: Path) -> tuple[Path, Path]:
    """The link as a QR code, `vertskap-<name>.png` and `.svg` in `out`."""
    import segno

    code = segno.make(link, error="m")
    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"vertskap-{name}.png", out / f"vertskap-{name}.svg"
    code.save(png, scale=10, border=4)
    code.save(svg, scale=10, border=4)
    return png, svg
