"""`careportal`: the command line staff and the bureau use. Messages are in Chinese.

Exit codes: 0 everything fine, 1 a content problem (nothing broken was published), 2 wrong usage.
"""

from __future__ import annotations

import sys
import threading
import time
from functools import partial
from pathlib import Path

import click

from generator.records.kinds import KINDS
from generator.records.load import SLUG, load_county
from generator.county.lock import WHAT
from generator.county.pipeline import build_county, check_county
from generator.county.results import ClusterError, Status
from generator.privacy.suppression import county_k
from generator.settings import BuildSettings, build_date, default_work_dir
from generator.problems import Problem, Severity
from generator.county.progress import Progress

CONTEXT = {"help_option_names": ["-h", "--help"]}
root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help="数据根目录（含 content/ 和 schools/），默认是当前目录。",
)


def _echo_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.severity.value)):
        click.echo(problem.format(), err=problem.severity is Severity.ERROR)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="careportal", message="careportal %(version)s")
def main() -> None:
    """careportal：把学校关爱留守儿童的记录生成为网站。"""


def _shard(ctx, param, value):
    if value is None:
        return None
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise click.BadParameter("写成 i/N，例如 --shard 2/8（共 8 份中的第 2 份，1 ≤ i ≤ N）")
    return int(index), int(count)


@main.command()
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是数据根目录下的 site/。")
@click.option("--school", "schools", multiple=True, metavar="SLUG", help="只生成这所学校（可写多次）。")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="中间文件目录（含生成缓存，可随时删除），默认在用户缓存目录里。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="同时生成几所学校（工作进程数），默认等于本机 CPU 核数。")
@click.option("--force", is_flag=True, help="不管有没有改动，全部重新生成（例如手动改动过输出目录之后）。")
@click.option("--wait", is_flag=True,
              help="如果另一个 careportal build 正在使用同一个数据根目录、中间文件目录或输出目录，等它结束后再开始（默认立即退出）。")
@click.option("--scheduler", metavar="tcp://主机:端口", default=None,
              help="在 Dask 集群上生成：调度器地址。需要 pip install 'careportal[dask]'，数据和输出目录要在共享存储上（见 docs/cluster.md）。")
@click.option("--cluster", type=click.Choice(["local"]), default=None,
              help="local：在本机启动一个 Dask LocalCluster（-j 个工作进程）来生成。")
@click.option("--shard", metavar="i/N", default=None, callback=_shard,
              help="只生成 N 份中的第 i 份学校（按学校文件夹名固定分配），不生成全县首页；各份都完成后运行 --portal-only。")
@click.option("--portal-only", is_flag=True, help="只生成全县首页，用各分片已发布的学校。")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="用哪个引擎生成网站：mkdocs（默认）或 zensical（需另外安装 careportal[zensical]）。")
def build(root: Path, out: Path | None, schools: tuple[str, ...], work: Path | None, jobs: int | None,
          force: bool, wait: bool, scheduler: str | None, cluster: str | None, shard: tuple[int, int] | None,
          portal_only: bool, engine: str) -> None:
    """生成全县门户和各校网站（只重新生成有改动的学校）。"""
    if scheduler and cluster:
        raise click.UsageError("--scheduler 和 --cluster 只能选一个")
    if portal_only and (shard or schools or scheduler or cluster or force):
        raise click.UsageError("--portal-only 只生成全县首页，不能和 --shard、--school、--scheduler、--cluster、--force 一起用")
    out = out or root / "site"
    if engine == "zensical":
        try:
            import zensical  # noqa: F401
        except ImportError:
            click.echo("没有安装 Zensical：请先运行 pip install 'careportal[zensical]'，或去掉 --engine zensical。", err=True)
            sys.exit(2)
    progress = Progress()
    try:
        settings = BuildSettings(root, out, work, tuple(schools), jobs=jobs, force=force, scheduler=scheduler,
                                 local_cluster=cluster == "local", shard=shard, portal_only=portal_only,
                                 wait=None if wait else 0, engine=engine)
        report = build_county(settings, progress=progress, plan=progress.plan, on_wait=_waiting)
    except KeyboardInterrupt:
        progress.finish()
        click.echo("已中断。已发布的网站都保持完整（每所学校要么是原来的，要么是新生成的）。", err=True)
        sys.exit(130)
    except ClusterError as exc:
        progress.finish()
        click.echo(str(exc), err=True)
        sys.exit(2)
    progress.finish()
    _echo_problems(report.county_problems)
    for result in report.schools:
        if result.status is not Status.UNCHANGED:  # an unchanged school's reminders were shown when it was built
            _echo_problems([p for p in result.problems if p is not result.first_error])
    reminders = sum(len(r.problems) for r in report.schools if r.status is Status.UNCHANGED)
    if reminders:
        click.echo(f"无变化的学校还有 {reminders} 条提醒（生成时已列出；用 careportal check 可再看）。")
    _echo_table(report, shard)
    if report.cluster:
        click.echo(f"学校在{report.cluster}上生成。")
    if report.gate_report:
        click.echo(f"隐私检查报告（不发布）：{report.gate_report}")
    if report.portal_published:
        click.echo(f"用浏览器打开 {(out / 'index.html').resolve()} 即可查看。")
    sys.exit(1 if report.failed else 0)


def _waiting(busy) -> None:
    click.echo(f"另一个 careportal build 正在使用{WHAT[busy.kind]} {busy.path}，等它结束后再开始……", err=True)


def _echo_table(report, shard: tuple[int, int] | None = None) -> None:
    """The end of a build: how many schools were built, unchanged and failed, and why each failed."""
    rows = [(status.short, report.count(status)) for status in Status]
    click.echo("")
    click.echo("结果      学校数")
    for label, count in rows:
        click.echo(f"{label}{'　' * (4 - len(label))}{count:>8}")
    failed = [r for r in report.schools if r.status is Status.FAILED]
    if failed:
        click.echo("未发布的学校（原来的网站保持不变），各列第一个问题：", err=True)
        for result in failed:
            first = result.first_error
            click.echo(f"  {result.slug}：{first.format() if first else '未知错误'}", err=True)
    portal = ("全县首页已更新。" if report.portal_rebuilt else "全县首页无变化。") if report.portal_published else "全县首页未生成。"
    if shard:
        portal = f"这是第 {shard[0]}/{shard[1]} 份；全部分片完成后，运行 careportal build --portal-only 生成全县首页。"
    click.echo(f"完成：发布 {rows[0][1]} 所，无变化 {rows[1][1]} 所，失败 {rows[2][1]} 所。{portal}")


@main.command()
@root_option
def check(root: Path) -> None:
    """检查所有记录，逐条列出问题（文件:行号: 字段: 说明）。"""
    county, per_school = check_county(root)
    problems = list(county.problems) + [p for found in per_school.values() for p in found]
    _echo_problems(problems)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"发现 {errors} 个问题{f'、{warnings} 个提醒' if warnings else ''}，请按上面的提示修改。", err=True)
        sys.exit(1)
    records = (sum(len(s.of(kind)) for kind in KINDS for s in county.schools)
               + len(county.shared.programmes) + len(county.shared.resources))
    click.echo(f"检查通过：{len(county.schools)} 所学校，{records} 条记录。" + (f"有 {warnings} 个提醒。" if warnings else ""))


@main.command()
@root_option
@click.option("--school", "slug", required=True, help="学校文件夹名，例如 huangshan-cun。")
@click.option("--approve", multiple=True, metavar="编号", help="批准这一句（写列表里的编号，如 0fbc69a5；可写多次），要同时写 --role。")
@click.option("--reject", multiple=True, metavar="编号", help="驳回这一句（写列表里的编号；可写多次），要同时写 --role。")
@click.option("--role", default=None, help="审核人的岗位，例如 德育主任（写岗位，不写姓名）。")
@click.option("--list", "only_list", is_flag=True, help="只列出需要审核的句子，不审核。")
def review(root: Path, slug: str, approve: tuple[str, ...], reject: tuple[str, ...], role: str | None,
           only_list: bool) -> None:
    """审核规则判断不了的句子（可能让人认出某个孩子）：逐句批准或驳回，批准前这所学校不会发布。"""
    from generator.privacy import reviews
    from generator.privacy.records_gate import reviews_of

    if not SLUG.match(slug) or not (root / "schools" / slug / "school.yml").is_file():
        raise click.BadParameter(f"找不到学校 schools/{slug}/school.yml", param_hint="--school")
    found = reviews_of(root, slug)
    if found.problems:
        _echo_problems(found.problems)
        click.echo("记录有错误，读不出要审核的句子。请先按上面的提示修改，再运行 careportal review。", err=True)
        sys.exit(1)
    items = found.items
    _echo_reviews(items)
    chosen = [(_review_number(items, given), reviews.APPROVED) for given in approve]
    chosen += [(_review_number(items, given), reviews.REJECTED) for given in reject]
    twice = {n for n, _ in chosen if sum(1 for m, _ in chosen if m == n) > 1}
    if twice:
        raise click.BadParameter(f"第 {min(twice)} 句写了两次（批准还是驳回？），每句只写一次", param_hint="--approve/--reject")
    if role is not None:
        _check_role(role)
    if not chosen and not only_list:
        pending = [n for n, item in enumerate(items, 1) if item.decision == reviews.PENDING]
        for number in pending:
            answer = click.prompt(f"第 {number} 句：批准(y)、驳回(n)、跳过(s)", type=click.Choice(["y", "n", "s"]),
                                  default="s", show_choices=False)
            if answer != "s":
                chosen.append((number, reviews.APPROVED if answer == "y" else reviews.REJECTED))
        if chosen and role is None:
            role = click.prompt("审核人的岗位（例如 德育主任；写岗位，不写姓名）").strip()
            _check_role(role)
    if not chosen:
        sys.exit(0)
    if not role:
        raise click.UsageError("请用 --role 写明审核人的岗位，例如 --role 德育主任")
    day = build_date().isoformat()
    decisions = [items[n - 1].decided(decision, role, day) for n, decision in chosen]
    try:
        path = reviews.record(found.records.folder, decisions)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for number, decision in chosen:
        click.echo(f"第 {number} 句：{reviews.DECISIONS[decision]}（{role}，{day}）")
    click.echo(f"已记录在 {path.relative_to(root.resolve()).as_posix()}（不公开）。改动句子后，原来的批准作废，需要重新审核。")


def _check_role(role: str) -> None:
    from generator.privacy.reviews import role_refusal

    refusal = role_refusal(role)
    if refusal:
        raise click.BadParameter(refusal, param_hint="--role")


def _review_number(items, given: str) -> int:
    """The list position of the sentence a reviewer names by its 编号 (the digest's start, as check
    and the list print it): a number would name whichever sentence is there when the list changed."""
    key = given.strip().lower()
    found = [n for n, item in enumerate(items, 1) if len(key) >= 6 and item.digest.startswith(key)]
    if len(found) != 1:
        raise click.BadParameter(f"没有编号为“{given}”的句子：请写 careportal review --list 列出的 8 位编号",
                                 param_hint="--approve/--reject")
    return found[0]


def _echo_reviews(items) -> None:
    from generator.privacy import reviews

    if not items:
        click.echo("没有需要审核的句子。")
        return
    pending = sum(1 for item in items if item.decision == reviews.PENDING)
    click.echo(f"需要审核的句子共 {len(items)} 句，其中待审核 {pending} 句。请逐句读一读：这句话会不会让村里的人认出是哪个孩子？")
    for number, item in enumerate(items, 1):
        state = reviews.DECISIONS[item.decision]
        if item.decision != reviews.PENDING:
            state += f"：{item.role}，{item.day}"
        click.echo(f"{number}. [{state}] 编号 {item.digest[:8]}  {item.path}:{item.line} {item.field}")
        click.echo(f"   {item.sentence}")


@main.command()
@root_option
@click.argument("slug", required=False)
@click.option("--port", default=8000, show_default=True, help="端口。")
def serve(root: Path, slug: str | None, port: int) -> None:
    """本机预览：生成后在 http://127.0.0.1:端口/ 打开，修改记录后自动重新生成（刷新浏览器即可）。"""
    if slug and not SLUG.match(slug):
        raise click.BadParameter("学校名只能用小写英文字母、数字和连字符", param_hint="SLUG")
    out = default_work_dir(root) / "preview"
    only = (slug,) if slug else ()

    def snapshot() -> dict:
        return {p: p.stat().st_mtime_ns for p in sorted((root / "schools").rglob("*")) + sorted((root / "content").rglob("*"))
                if p.is_file()}

    def rebuild() -> None:
        report = build_county(BuildSettings(root, out, only=only, wait=None), on_wait=_waiting)  # a build may be running
        for result in report.schools:
            _echo_problems(result.problems)
        _echo_problems(report.county_problems)
        click.echo("已重新生成。" if not report.failed else "有问题，请按上面的提示修改后保存。")

    rebuild()
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer  # only for serve

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    handler = partial(QuietHandler, directory=str(out))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        click.echo(f"端口 {port} 已被占用，请换一个，例如 careportal serve --port {port + 1}", err=True)
        sys.exit(2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start = f"http://127.0.0.1:{port}/{slug + '/index.html' if slug else 'index.html'}"
    click.echo(f"预览地址：{start}（按 Ctrl+C 结束）")
    seen = snapshot()
    try:
        while True:
            time.sleep(1)
            now = snapshot()
            if now != seen:
                seen = now
                rebuild()
    except KeyboardInterrupt:
        server.shutdown()


@main.group()
def new() -> None:
    """生成带说明的新记录文件。"""


@new.command("school")
@root_option
@click.argument("slug")
def new_school_command(root: Path, slug: str) -> None:
    """新建学校文件夹和 school.yml。SLUG 用拼音，例如 qingxi-zhongxin。"""
    if not SLUG.match(slug):
        raise click.BadParameter("只能用小写英文字母、数字和连字符，例如 qingxi-zhongxin", param_hint="SLUG")
    from generator.records.starters import new_school

    created = new_school(root, slug)
    if created is None:
        click.echo(f"schools/{slug} 已经存在，没有改动。", err=True)
        sys.exit(1)
    for path in created:
        click.echo(f"已创建 {path.relative_to(root).as_posix()}")
    click.echo("请打开 school.yml 按注释填写，然后运行 careportal check 检查。")


def _school_and_name(root: Path, slug: str, name: str) -> None:
    if not SLUG.match(slug) or not (root / "schools" / slug / "school.yml").is_file():
        raise click.BadParameter(f"找不到学校 schools/{slug}/school.yml", param_hint="--school")
    if not SLUG.match(name):
        raise click.BadParameter("文件名只能用小写英文字母、数字和连字符", param_hint="--name")


def _created(root: Path, path: Path) -> None:
    click.echo(f"已创建 {path.relative_to(root).as_posix()}，请按注释填写，然后运行 careportal check 检查。")


def _dated_record_options(default_name: str):
    """--root, --school and --name of the `new` commands that write a dated record."""
    def decorate(command):
        command = click.option("--name", default=default_name, show_default=True, help="文件名（拼音），日期会加在前面。")(command)
        command = click.option("--school", "slug", required=True, help="学校文件夹名。")(command)
        return root_option(command)
    return decorate


@new.command("activity")
@_dated_record_options("huodong")
def new_activity_command(root: Path, slug: str, name: str) -> None:
    """新建一条活动记录（带注释的模板）。"""
    _school_and_name(root, slug, name)
    county = load_county(root, only=[slug])
    term = county.bureau.record.default_term.code if county.bureau else "2026-2027-1"
    from generator.records.starters import new_activity

    _created(root, new_activity(root, slug, name, term))


@new.command("letter")
@_dated_record_options("zhi-jiazhang")
def new_letter_command(root: Path, slug: str, name: str) -> None:
    """新建一封给家长的信或告知书（带注释的模板）。"""
    _school_and_name(root, slug, name)
    from generator.records.starters import new_letter

    _created(root, new_letter(root, slug, name))


@new.command("policy")
@root_option
@click.option("--school", "slug", required=True, help="学校文件夹名。")
@click.option("--name", required=True, help="文件名（拼音），例如 tanxin。")
def new_policy_command(root: Path, slug: str, name: str) -> None:
    """新建一份关爱制度（带注释的模板，可写几项职责）。"""
    _school_and_name(root, slug, name)
    from generator.records.starters import new_policy

    path = new_policy(root, slug, name)
    if path is None:
        click.echo(f"schools/{slug}/policies/{name}.yml 已经存在，没有改动。", err=True)
        sys.exit(1)
    _created(root, path)


@main.command()
@root_option
@click.option("--school", "slug", required=True, help="学校文件夹名，例如 huangshan-cun。")
@click.option("--term", required=True, help="学期，例如 2026-2027-1。")
def aggregate(root: Path, slug: str, term: str) -> None:
    """根据 private/ 里的台账统计本学期人数，写入 summaries/学期.yml（少于规定人数的分项不写）。"""
    from generator.privacy.child_register import aggregate as run_aggregate

    if not SLUG.match(slug) or not (root / "schools" / slug / "school.yml").is_file():
        raise click.BadParameter(f"找不到学校 schools/{slug}/school.yml", param_hint="--school")
    try:
        from generator.records.models import to_term

        to_term(term)
    except Exception:
        raise click.BadParameter("学期应写成 2026-2027-1（第一学期）或 2026-2027-2（第二学期）", param_hint="--term") from None
    county = load_county(root, only=[slug])
    result = run_aggregate(root.resolve(), slug, term, county_k(county), build_date())
    _echo_problems(result.problems)
    if not result.ok:
        click.echo("没有写入统计文件，请按上面的提示修改台账后再运行。", err=True)
        sys.exit(1)
    click.echo(f"已写入 {result.path.relative_to(root.resolve()).as_posix()}：{'、'.join(result.written)}。")
    for line in result.withheld:
        click.echo(f"  未写入：{line}")
    click.echo("原文件里的在校学生数、巩固率、主要做法等手写内容已保留。请运行 careportal check 检查。")


@main.command()
@root_option
@click.option("--school", "slug", default=None, help="学校文件夹名，例如 huangshan-cun（只有一所学校时可不写）。")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="端口，默认自动选一个空闲端口。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器，只显示地址。")
def edit(root: Path, slug: str | None, port: int, no_browser: bool) -> None:
    """在浏览器里用表格填写和修改本校的记录（只在本机运行，不需要联网）。"""
    from generator.editor.command import run_editor

    sys.exit(run_editor(root, slug, port, open_browser=not no_browser))


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把每类记录的 JSON Schema 写到这个文件夹（默认打印全部）。")
def schema(out: Path | None) -> None:
    """导出记录格式（JSON Schema），供 VS Code 等编辑器自动补全和检查。"""
    from generator.editor.command import write_schemas

    write_schemas(out)


@main.command()
@root_option
@click.option("--school", "slug", default=None, help="学校文件夹名，例如 qingxi-zhongxin。")
@click.option("--county", "whole_county", is_flag=True, help="生成全县工作情况汇报（各校合计）。")
@click.option("--term", default=None, help="学期，例如 2025-2026-1。")
@click.option("--year", default=None, help="学年，例如 2025-2026（学校的学年总结，含两个学期）。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Word 文档保存到哪个文件夹。")
@click.option("--hant", is_flag=True, help="生成繁体版。")
@click.option("--date", "signed", default=None, help="落款日期，例如 2026-01-20，默认是今天。")
def report(root: Path, slug: str | None, whole_county: bool, term: str | None, year: str | None, out: Path, hant: bool,
           signed: str | None) -> None:
    """生成学期（或学年）工作总结（--school）或全县工作情况汇报（--county），保存为 Word 文档。"""
    import re

    from generator.records.models import to_term
    from generator.report.content import year_period
    from generator.report.run import county_report_file, school_report_file

    if bool(slug) == whole_county:
        raise click.UsageError("请写 --school 学校文件夹名（学校的工作总结）或 --county（全县工作情况汇报），二者选一")
    if bool(term) == bool(year):
        raise click.UsageError("请写 --term 学期（例如 2025-2026-1）或 --year 学年（例如 2025-2026），二者选一")
    if slug and not SLUG.match(slug):
        raise click.BadParameter("学校文件夹名只能用小写英文字母、数字和连字符", param_hint="--school")
    if year:
        match = re.fullmatch(r"(\d{4})-(\d{4})", year.strip())
        if not match or int(match[2]) != int(match[1]) + 1:
            raise click.BadParameter("学年应写成 2025-2026", param_hint="--year")
        if whole_county:
            raise click.UsageError("全县工作情况汇报按学期生成，请用 --term，例如 --term 2025-2026-2")
        which = year_period(int(match[1]))
    else:
        try:
            which = to_term(term)
        except Exception:
            raise click.BadParameter("学期应写成 2025-2026-1（第一学期）或 2025-2026-2（第二学期）", param_hint="--term") from None
    when = None
    if signed:
        try:
            from datetime import date as _date

            when = _date.fromisoformat(signed)
        except ValueError:
            raise click.BadParameter("日期应写成 2026-01-20", param_hint="--date") from None
    today = build_date()
    outcome = (school_report_file(root, slug, which, out, today, when, hant) if slug
               else county_report_file(root, which, out, today, when, hant))
    _echo_problems(outcome.problems)
    for note in outcome.notes:
        click.echo(note, err=True)
    if outcome.path is None:
        click.echo("没有生成 Word 文档，请按上面的提示修改后再运行。", err=True)
        sys.exit(1)
    click.echo(f"已生成：{outcome.path}")
    click.echo("可以用 WPS 或 Word 打开修改后上报。")
    if outcome.on_site:
        where = f"{slug}/data/{outcome.report.slug}.html" if slug else f"{outcome.report.slug}.html"
        click.echo(f"运行 careportal build 后，网站上也有这份{'总结' if slug else '汇报'}（可打印）：site/{where}")


if __name__ == "__main__":  # pragma: no cover
    main()
