"""The `careportal edit` and `careportal schema` commands (cli.py only parses their options)."""

from __future__ import annotations

import json
import threading
import webbrowser
from pathlib import Path
from typing import Optional

import click

from generator.settings import build_date, default_work_dir
from generator.editor.schema import KINDS, json_schema
from generator.records.load import SLUG


def choose_school(root: Path) -> Optional[str]:
    """The only school of the data root, or the one the user picks from a numbered list."""
    base = root / "schools"
    slugs = sorted(p.name for p in base.iterdir() if SLUG.match(p.name) and (p / "school.yml").is_file()) \
        if base.is_dir() else []
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        click.echo("这里没有学校文件夹（schools/学校名/school.yml）。请在数据文件夹里运行，或用 --root 指定", err=True)
        return None
    click.echo("有这些学校：")
    for number, slug in enumerate(slugs, 1):
        click.echo(f"  {number}. {slug}")
    number = click.prompt("请输入要编辑的学校的序号", type=click.IntRange(1, len(slugs)))
    return slugs[number - 1]


def run_editor(root: Path, slug: Optional[str], port: int, open_browser: bool = True) -> int:
    from generator.editor.server import Editor, VendorError

    slug = slug or choose_school(root)
    if slug is None:
        return 2
    if not SLUG.match(slug) or not (root / "schools" / slug / "school.yml").is_file():
        click.echo(f"找不到学校 schools/{slug}/school.yml。--school 后面写学校文件夹名，例如 huangshan-cun", err=True)
        return 2
    try:
        editor = Editor(root, slug, default_work_dir(root) / "editor" / slug, build_date(), port)
    except VendorError as exc:
        click.echo(f"编辑器文件不完整（{exc}），请重新安装 careportal", err=True)
        return 2
    except OSError:
        click.echo(f"端口 {port} 已被占用，请换一个，或不写 --port 自动选择", err=True)
        return 2
    click.echo(f"编辑器已打开：{editor.url}")
    click.echo("如果浏览器没有自动打开，请把上面的地址复制到浏览器里。用完后关闭这个窗口（或按 Ctrl+C）即可退出。")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(editor.url,)).start()
    try:
        editor.serve_forever()
    except KeyboardInterrupt:
        click.echo("编辑器已退出。")
    finally:
        editor.httpd.server_close()
    return 0


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Optional[Path]) -> None:
    if out is None:
        click.echo(json.dumps({kind: json_schema(kind) for kind in KINDS}, ensure_ascii=False, indent=2))
        return
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        path = out / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8", newline="\n")
        click.echo(f"已写入 {path.as_posix()}")
