"""Stage 2, privacy: the gate. Nothing a school publishes may identify a child.

Allow-list by construction first (templates only see public view models; per-child data lives in
`schools/<slug>/private/`, which nothing copies), then scan:

* `check_records(county, records)` reads the school's record files before anything is rendered:
  the register's deny-list, ID numbers, phones, e-mails, bank cards, person names, small counts
  and sensitive attributes in prose, recipient lists, photo consent. Findings name file and line.
* `check_output(county, records, site_dir)` reads every file of the built site before it is
  published: every text file (HTML, search index, sitemap, feeds, calendars, also inside .gz),
  every file and folder name and every image's metadata, after folding (detect.fold); and the HTML
  itself for script, event handlers, javascript:/data: URLs and outside resources.
* `check_portal(county, portal_dir)` does the same for the county portal.

Rules are numbered as in docs/privacy-gate.md (detect.RULES). Every message masks the value.
`gate_report` gathers what ran, what was found and which cells were suppressed, for the JSON
report the pipeline writes outside the published tree.
"""
