"""Progress of a county build: a redrawn bar with counts and time left on a terminal, plain lines
in a log; and the command's end-of-run table."""

from __future__ import annotations

import io
import re

from generator.problems import Problem
from generator.county.progress import Progress, duration_text
from generator.county.results import SchoolResult


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_terminal_bar_shows_counts_and_time_left():
    out, err, clock = io.StringIO(), io.StringIO(), Clock()
    progress = Progress(out, err, tty=True, clock=clock)
    progress.plan(4, 996)
    clock.now += 30
    progress(SchoolResult("a", "built", pages=50))
    line = out.getvalue().rsplit("\r", 1)[-1]
    assert re.search(r"\[#+\.+\] 1/4 已发布 1 失败 0 剩余约 1分30秒$", line), line
    clock.now += 30
    progress(SchoolResult("b", "failed", [Problem("schools/b/school.yml", 3, "名称", "缺少必填项", place="name")]))
    assert "✗ b：未发布，原来的网站保持不变。schools/b/school.yml:3: 名称: 缺少必填项" in err.getvalue()
    line = out.getvalue().rsplit("\r", 1)[-1]
    assert "2/4 已发布 1 失败 1 剩余约 1分00秒" in line
    progress(SchoolResult("c", "unchanged"))
    assert progress.unchanged == 1 and progress.done == 2
    progress.finish()
    assert out.getvalue().endswith("\r\x1b[K")
    assert "✓" not in out.getvalue()  # built schools are counted in the bar, not listed


def test_log_gets_one_plain_line_per_school_and_no_control_characters():
    out, err = io.StringIO(), io.StringIO()
    progress = Progress(out, err, tty=False, clock=Clock())
    progress.plan(2, 1, "theme 有改动，所有学校都要重新生成")
    progress(SchoolResult("c", "unchanged"))
    progress(SchoolResult("a", "built", pages=91))
    progress(SchoolResult("b", "failed", [Problem("schools/b/", 0, "", "生成网站时出错")]))
    progress.finish()
    assert out.getvalue().splitlines() == [
        "需要生成 2 所学校，1 所无变化。（theme 有改动，所有学校都要重新生成）",
        "✓ a：已发布（91 页）[1/2]",
    ]
    assert err.getvalue().splitlines() == ["✗ b：未发布，原来的网站保持不变。schools/b/: 生成网站时出错"]
    assert "\r" not in out.getvalue() + err.getvalue() and "\x1b" not in out.getvalue() + err.getvalue()


def test_durations_read_naturally():
    assert duration_text(0) == "0秒"
    assert duration_text(59.4) == "59秒"
    assert duration_text(61) == "1分01秒"
    assert duration_text(3 * 3600 + 125) == "3小时02分"
