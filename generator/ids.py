"""Identifiers careportal makes up: calendar UIDs, feed entry ids, file names given by content.

They are base32 (lower-case letters and the digits 2–7), never hexadecimal: the privacy gate reads
every output file with spaces and dashes squeezed out, and a run of hex digits (a UUID's groups
joined) can spell a mobile number. Base32 cannot: a mobile number starts with 1, a landline with 0,
and an ID number holds 18, 19 or 20 and a month; none of them can be written with 2–7 alone.
"""

from __future__ import annotations

import base64
import hashlib


def opaque(data: bytes | str, length: int = 26) -> str:
    """A stable identifier of `data` (26 characters hold the whole 128 bits of a UUID and more)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.b32encode(hashlib.sha256(raw).digest()).decode().lower()[:length]
