"""Stage 4, county: a bureau's build of all its schools and the portal.

* `settings`     — run settings (build date, work folder).
* `results`      — per-school and county results.
* `school_build` — one school's build, every stage, into staging.
* `pipeline`     — which schools to build, publishing, the portal (`build_county`, `check_county`).
* `workers`      — the process pool.  `cluster` — a Dask cluster instead (optional extra, imported lazily).
* `cache`        — incremental build keys.  `publish` — atomic swaps.
* `progress`     — the terminal's progress line.  `gate_report` — the privacy gate's JSON report.

Imports from `records`, `privacy` and `site`.
"""
