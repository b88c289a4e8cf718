"""Progress of a county build: a bar with counts and time left on a terminal, plain lines in logs."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Optional, TextIO

from generator.county.results import SchoolResult, Status


def duration_text(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}秒"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}分{seconds:02d}秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}小时{minutes:02d}分"


class Progress:
    """Receives each school's result; on a terminal redraws one status line, elsewhere prints a
    line per school built or failed (unchanged schools are only counted)."""

    def __init__(self, out: TextIO = sys.stdout, err: TextIO = sys.stderr, tty: Optional[bool] = None,
                 clock=time.monotonic) -> None:
        self.out = out
        self.err = err
        self.tty = out.isatty() if tty is None else tty
        self.clock = clock
        self.total = 0
        self.unchanged = 0
        self.built = 0
        self.failed = 0
        self.started = clock()
        self._drawn = False

    @property
    def done(self) -> int:
        return self.built + self.failed

    def plan(self, to_build: int, unchanged: int, reason: Optional[str] = None) -> None:
        self.total = to_build
        self.started = self.clock()
        print(f"需要生成 {to_build} 所学校，{unchanged} 所无变化。" + (f"（{reason}）" if reason else ""),
              file=self.out, flush=True)
        self._draw()

    def eta(self) -> Optional[float]:
        if not self.done or self.done >= self.total:
            return None
        elapsed = self.clock() - self.started
        return elapsed / self.done * (self.total - self.done)

    def status_line(self, width: int = 80) -> str:
        counts = f"{self.done}/{self.total} 已发布 {self.built} 失败 {self.failed}"
        eta = self.eta()
        tail = f" 剩余约 {duration_text(eta)}" if eta is not None else ""
        bar_width = max(10, min(30, width - 50))
        filled = int(bar_width * self.done / self.total) if self.total else bar_width
        return f"[{'#' * filled}{'.' * (bar_width - filled)}] {counts}{tail}"

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self.out.write("\r\x1b[K")
            self._drawn = False

    def _draw(self) -> None:
        if self.tty and self.total:
            width = shutil.get_terminal_size((80, 20)).columns
            self.out.write("\r\x1b[K" + self.status_line(width))
            self.out.flush()
            self._drawn = True

    def __call__(self, result: SchoolResult) -> None:
        if result.status is Status.UNCHANGED:
            self.unchanged += 1
            return
        if result.status is Status.BUILT:
            self.built += 1
        else:
            self.failed += 1
        self._clear()
        if result.status is Status.BUILT:
            if not self.tty:
                print(f"✓ {result.slug}：已发布（{result.pages} 页）[{self.done}/{self.total}]", file=self.out, flush=True)
        else:
            first = result.first_error
            self.out.flush()
            print(f"✗ {result.slug}：未发布，原来的网站保持不变。{first.format() if first else ''}", file=self.err, flush=True)
        self._draw()

    def finish(self) -> None:
        self._clear()
        self.out.flush()
