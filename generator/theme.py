"""Where the theme and the base MkDocs config are: a data root may carry its own `theme/` and
`mkdocs.yml`; otherwise the ones shipped with careportal are used. In a checkout these are the
repository's top-level `theme/` and `mkdocs.yml` (where they are edited); an installed wheel
carries copies of both as package data in `generator/_theme/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_SHIPPED = PACKAGE / "_theme"  # in an installed wheel (see pyproject.toml and setup.py)
_CHECKOUT = PACKAGE.parent  # the repository, for a checkout or an editable install


def shipped_theme() -> Path:
    """careportal's own theme folder (templates, stylesheets, scripts, images)."""
    return _SHIPPED / "theme" if (_SHIPPED / "theme" / "pages").is_dir() else _CHECKOUT / "theme"


def shipped_base_config() -> Path:
    """careportal's own base `mkdocs.yml`, which every generated config INHERITs."""
    return _SHIPPED / "mkdocs.yml" if (_SHIPPED / "mkdocs.yml").is_file() else _CHECKOUT / "mkdocs.yml"


def theme_dir(root: Path) -> Path:
    """The theme a data root is built with: its own `theme/` if it has one, else careportal's."""
    return root / "theme" if (root / "theme" / "pages").is_dir() else shipped_theme()


def base_config(root: Path) -> Path:
    """The base config a data root is built with: its own `mkdocs.yml` if it has one, else careportal's."""
    return root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else shipped_base_config()


@dataclass(frozen=True)
class Layout:
    """Where things are: the data root, the theme and base config, and the work directory."""

    root: Path
    theme: Path
    base_config: Path
    work: Path

    @classmethod
    def for_root(cls, root: Path, work: Path) -> "Layout":
        return cls(root=root, theme=theme_dir(root), base_config=base_config(root), work=work)
