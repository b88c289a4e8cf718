"""`careportal new`: write valid, commented starter records for staff to fill in."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.records import kinds

_STARTERS = Path(__file__).parent / "starter_files"


def _render(name: str, **values: str) -> str:
    # Values are validated slugs, dates and term codes: nothing here comes from free text.
    env = Environment(loader=FileSystemLoader(str(_STARTERS)), undefined=StrictUndefined, keep_trailing_newline=True,
                      autoescape=False)
    return env.get_template(name).render(**values)


def new_school(root: Path, slug: str) -> Optional[list[Path]]:
    folder = root / "schools" / slug
    if folder.exists():
        return None
    created = []
    for kind in kinds.KINDS:
        (folder / kind.folder).mkdir(parents=True)
    path = folder / "school.yml"
    path.write_text(_render(kinds.SCHOOL.starter, today=date.today().isoformat()), encoding="utf-8")
    created.append(path)
    return created


def _new_dated(root: Path, slug: str, kind: kinds.RecordKind, name: str, **values) -> Path:
    today = date.today().isoformat()
    folder = root / "schools" / slug / kind.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{today}-{name}.yml"
    counter = 2
    while path.exists():
        path = folder / f"{today}-{name}-{counter}.yml"
        counter += 1
    path.write_text(_render(kind.starter, today=today, **values), encoding="utf-8")
    return path


def new_activity(root: Path, slug: str, name: str, term: str) -> Path:
    return _new_dated(root, slug, kinds.BY_FOLDER["activities"], name, term=term)


def new_letter(root: Path, slug: str, name: str) -> Path:
    return _new_dated(root, slug, kinds.BY_FOLDER["letters"], name)


def new_policy(root: Path, slug: str, name: str) -> Optional[Path]:
    """policies/<name>.yml (policies are named by what they are, not dated); None if it exists."""
    kind = kinds.BY_FOLDER["policies"]
    folder = root / "schools" / slug / kind.folder
    path = folder / f"{name}.yml"
    if path.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(_render(kind.starter), encoding="utf-8")
    return path
