"""Synthetic county for the benchmark: N schools of realistic size built from the demo county's text.

Each school gets 60 activities over 4 terms, 8 policies, 4 resources and 4 term summaries. Titles,
summaries and body paragraphs are drawn (seeded) from the demo records, so the Chinese text has
the demo's length and vocabulary; every phone number in a body is replaced by the school's own
declared number, so the privacy gate passes.

    python bench/synth.py OUT_ROOT N [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TERMS = ["2024-2025-2", "2025-2026-1", "2025-2026-2", "2026-2027-1"]
TOWNS = ["青溪镇", "柳浪乡", "石莲镇", "黄杉乡", "白沙镇", "桃源乡", "云岭镇", "松坡乡", "龙潭镇", "梅林乡",
         "新桥镇", "杨柳乡", "金竹镇", "清泉乡", "凤鸣镇", "双河乡", "高坪镇", "大湾乡", "马鞍镇", "东山乡"]
KINDS = ["小学", "中心小学", "初中", "九年一贯制", "中心学校"]
PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}[-\s]?\d{7,8}|1[3-9]\d{9})(?!\d)")


def _load(folder: str) -> list[dict]:
    items = []
    for path in sorted((REPO / "schools").glob(f"*/{folder}/*.yml")):
        items.append(yaml.safe_load(path.read_text(encoding="utf-8")))
    return items


def _paragraphs(records: list[dict]) -> list[str]:
    found = []
    for record in records:
        found += [p.strip() for p in str(record.get("body", "")).split("\n\n") if p.strip()]
    return found


def _term_dates(code: str) -> tuple[date, date]:
    start, _, semester = code.split("-")
    year = int(start)
    return (date(year, 9, 1), date(year + 1, 1, 20)) if semester == "1" else (date(year + 1, 2, 20), date(year + 1, 7, 5))


def _dump(path: Path, data: dict, comment: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {comment}\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")


def _scrub(text, phone: str):
    if isinstance(text, str):
        return PHONE.sub(phone, text)
    if isinstance(text, list):
        return [_scrub(t, phone) for t in text]
    if isinstance(text, dict):
        return {k: _scrub(v, phone) for k, v in text.items()}
    return text


def generate(root: Path, count: int, seed: int = 1) -> list[str]:
    """Write content/bureau.yml and `count` schools under `root`; returns the school slugs."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "bureau.yml", root / "content" / "bureau.yml")
    schools = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((REPO / "schools").glob("*/school.yml"))]
    activities, policies, resources, summaries = _load("activities"), _load("policies"), _load("resources"), _load("summaries")
    paragraphs = _paragraphs(activities)
    policy_pool = list({p["name"]: p for p in policies}.values())
    resource_pool = list({r["name"]: r for r in resources}.values())
    slugs = []
    for i in range(count):
        slug = f"xuexiao-{i + 1:04d}"
        slugs.append(slug)
        folder = root / "schools" / slug
        town = TOWNS[i % len(TOWNS)]
        family = f"0599-7{i:06d}"
        office = f"0599-8{i:06d}"
        school = dict(rng.choice(schools))
        school["name"] = f"青溪县{town}第{i + 1}学校"
        school["kind"] = KINDS[i % len(KINDS)]
        school["township"] = town
        school["family_phone"] = {**school["family_phone"], "number": family}
        school["contacts"] = [{**c, "phone": office} for c in school.get("contacts", [])] or [{"role": "学校办公室", "phone": office}]
        school = _scrub(school, office)
        school["family_phone"]["number"] = family
        _dump(folder / "school.yml", school, f"学校信息：{school['name']}")
        n = 0
        for term in TERMS:
            start, end = _term_dates(term)
            span = (end - start).days
            for j in range(15):
                base = rng.choice(activities)
                when = start + timedelta(days=rng.randrange(span))
                record = {k: v for k, v in base.items() if k not in {"photos", "end_date", "programme", "programme_part"}}
                record["title"] = base["title"]
                record["date"] = when.isoformat() if rng.random() > 0.1 else when.strftime("%Y-%m")
                record["term"] = term
                record["body"] = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 5))) + "\n"
                record = _scrub(record, family)
                n += 1
                _dump(folder / "activities" / f"{record['date']}-huodong-{n:02d}.yml", record, f"活动记录：{record['title']}")
        for j, policy in enumerate(rng.sample(policy_pool, min(8, len(policy_pool)))):
            _dump(folder / "policies" / f"zhidu-{j + 1}.yml", _scrub(policy, office), f"工作制度：{policy['name']}")
        for j, resource in enumerate(rng.sample(resource_pool, min(4, len(resource_pool)))):
            resource = _scrub(resource, office)
            if "contact" in resource:
                resource["contact"] = {**resource["contact"], "phone": office}
            _dump(folder / "resources" / f"zhendi-{j + 1}.yml", resource, f"阵地资源：{resource['name']}")
        for term in TERMS:
            summary = _scrub(dict(rng.choice(summaries)), office)
            summary["term"] = term
            _dump(folder / "summaries" / f"{term}.yml", summary, f"学期统计：{term}")
    return slugs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.root, args.count, args.seed)


if __name__ == "__main__":
    main()
