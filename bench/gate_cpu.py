"""CPU seconds of the privacy gate alone on one built school: `check_records` and `check_output`,
each the best of six runs after a warm-up (process time, so other work on the machine matters less
than for wall time).

    # build one synthetic school first (bench/run.py profile leaves its data root behind), then
    PYTHONPATH=<code to measure> .venv/bin/python bench/gate_cpu.py <data root> <built site>/<slug> [mkdocs|zensical]

Run it once with the old code and once with the new on the same site to compare (bench/GATE.md).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from generator.privacy.output_gate import check_output, use_engine_templates
from generator.privacy.records_gate import check_records
from generator.records.load import load_county


def main(root: Path, site: Path, runs: int = 6, engine: str = "mkdocs") -> None:
    from generator.site.engines import engine as get_engine

    use_engine_templates(get_engine(engine).templates)  # the theme whose markup the pages may carry
    county = load_county(root)
    records = next(r for r in county.schools if r.slug == site.name)
    check_records(county, records)
    check_output(county, records, site)  # warm: jieba, OpenCC, compiled patterns, folded theme lines
    rec, out = [], []
    for _ in range(runs):
        start = time.process_time()
        found_records = check_records(county, records)
        rec.append(time.process_time() - start)
        start = time.process_time()
        found_output = check_output(county, records, site)
        out.append(time.process_time() - start)
    print(f"records {min(rec):.3f} s  output {min(out):.3f} s  total {min(rec) + min(out):.3f} s  "
          f"problems {len(found_records)} {len(found_output)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), engine=sys.argv[3] if len(sys.argv) > 3 else "mkdocs")
