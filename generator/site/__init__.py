"""Stage 3, site: public view models and their rendering into MkDocs projects.

* `views`        — public view models (only what may be published; suppressed cells as text).
* `urls`         — the one table of page URLs (kind → source path and page URL).
* `richtext`     — the Markdown subset of record bodies, sanitised.
* `render`       — views → Markdown pages and the MkDocs config (zh-Hans), portal page.
* `hant_site`    — the zh-Hant site made from the built zh-Hans one (one engine run per school).
* `feeds`, `calendar`, `qr` — Atom feeds, the .ics calendar, QR codes for printed letters.
* `hant`         — zh-Hant conversion (OpenCC, word-aware) and the search dictionary.
* `engines`      — the two build engines: `mkdocs_build` (MkDocs + Material, the default) and
  `zensical_build` (Zensical); theme assets shared across schools.

Imports from `records` and `privacy` only.
"""
