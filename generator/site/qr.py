"""The printable one-page notice (A4) a school hands to families: the 亲情电话, the care room's
hours, and a QR code to the school's site with the address printed under it.

The QR code is always a full QR code (`segno.make_qr`): `segno.make` silently picks a Micro QR
code for short addresses, which phone and WeChat scanners do not read reliably. It has the
4-module quiet zone and medium error correction, so a creased or smudged paper still scans.
"""

from __future__ import annotations

import io

import segno

QR_BORDER = 4  # modules of quiet zone


def qr_svg(url: str) -> bytes:
    """A scalable SVG QR code for `url` (no fixed size: the notice's stylesheet sets it)."""
    code = segno.make_qr(url, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", border=QR_BORDER, omitsize=True, xmldecl=True, dark="#000", light="#fff",
              svgclass="cp-qr")
    return out.getvalue()
