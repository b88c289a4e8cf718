"""Stage 3, site: public view models and their rendering into MkDocs projects.

* `views`        — public view models (only what may be published; suppressed cells as text).
* `urls`         — the one table of page URLs (kind → source path and page URL).
* `richtext`     — the Markdown subset of record bodies, sanitised.
* `render`       — views → Markdown pages and MkDocs configs (both scripts), portal page.
* `feeds`, `calendar`, `qr` — Atom feeds, the .ics calendar, QR codes for printed letters.
* `hant`         — zh-Hant conversion (OpenCC, word-aware) and the search dictionary.
* `mkdocs_build` — running MkDocs on a rendered project, theme assets shared across schools.

Imports from `records` and `privacy` only.
"""
