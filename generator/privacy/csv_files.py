"""Reading the CSV files schools keep in `private/` (the register, the consents), as Excel and
WPS save them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional


def csv_rows(path: Path) -> Optional[list[list[str]]]:
    """The rows of a CSV file saved by Excel or WPS (UTF-8, with or without BOM, or GB18030);
    None when its encoding is neither."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(raw.decode(encoding))))
        except UnicodeDecodeError:
            continue
    return None
