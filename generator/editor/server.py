"""`careportal edit`: one school's editor on http://127.0.0.1:<port>/<token>/.

Everything lives under the random token of this run: the page, the vendored Decap CMS, the API
(`/<token>/api/v1`), the 待审核 panel's list and decisions (`/<token>/reviews`, reviewing.py) and
the preview (`/<token>/preview/`). A request is refused unless its Host is this server's own
127.0.0.1:<port> (DNS rebinding), its Origin (when a browser sends one) is the same, it is not
marked cross-site, and its path starts with the token; a POST also needs JSON and the tab's id.
The server binds 127.0.0.1 only and imports nothing Unix-only (schools run Windows).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import mimetypes
import secrets
import shutil
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from generator.editor import reviewing
from generator.editor.cms_config import DECAP_VERSION, cms_config
from generator.editor.protocol import Protocol, problem_json
from generator.editor.store import SchoolStore
from generator.privacy.context import redacted
from generator.site.generated import gate_school
from generator.records.load import load_school
from generator.problems import Problem, Severity

HERE = Path(__file__).parent
VENDOR = HERE / "vendor" / "decap-cms"
STATIC = HERE / "static"
MAX_BODY = 60 * 1024 * 1024  # a photo of up to 40 MB, base64-encoded
TAB = "X-Careportal-Tab"
# Fixed types: on Windows `mimetypes` reads the registry, which often says text/plain for .js (the
# browser then refuses the script, since every answer says nosniff).
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
         ".jpeg": "image/jpeg", ".webp": "image/webp", ".ico": "image/x-icon", ".xml": "application/xml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8", ".ics": "text/calendar; charset=utf-8", ".gz": "application/gzip",
         ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".map": "application/json"}


class VendorError(Exception):
    """The vendored Decap CMS files differ from their recorded checksums."""


def vendored_files() -> dict[str, str]:
    """name → sha256 of every vendored Decap file, checked against SHA256SUMS."""
    sums = {}
    for line in (VENDOR / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    for name, digest in sums.items():
        if hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() != digest:
            raise VendorError(name)
    return sums


class Preview:
    """The school's site built on demand (when its files changed since the last build) into the
    editor's own work folder, with the same stages as `careportal build` (school_build)."""

    def __init__(self, root: Path, slug: str, work: Path, today: date):
        self.root, self.slug, self.work, self.today = root, slug, work, today
        self._lock = threading.Lock()
        self._stamp: Optional[tuple] = None
        self.problems: list[Problem] = []
        self.site: Optional[Path] = None

    def _snapshot(self) -> tuple:
        folder = self.root / "schools" / self.slug
        files = [p for p in folder.rglob("*") if p.is_file() and "private" not in p.relative_to(folder).parts]
        files.append(self.root / "content" / "bureau.yml")
        return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists()))

    def ensure(self) -> Optional[Path]:
        from generator.county.school_build import build_school, prepare
        from generator.settings import BuildSettings

        with self._lock:
            stamp = self._snapshot()
            if stamp == self._stamp:
                return self.site
            out = self.work / "out"
            ctx = prepare(BuildSettings(self.root, out, self.work / "work", today=self.today))
            built = build_school(ctx, self.slug)
            self.problems = list(built.result.problems)
            self._stamp = stamp
            if built.staged is not None:
                final = self.work / "site"
                if final.exists():
                    shutil.rmtree(final)
                shutil.move(str(built.staged), str(final))
                self.site = final
            return self.site


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that closed the connection (a tab closed mid-answer) is not worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Editor:
    def __init__(self, root: Path, slug: str, work: Path, today: date, port: int = 0):
        vendored_files()
        self.store = SchoolStore(root, slug)
        self.protocol = Protocol(self.store)
        self.token = secrets.token_urlsafe(24)
        self.today = today
        self.preview = Preview(self.store.root, slug, work, today)
        self.httpd = _Server(("127.0.0.1", port), _handler(self))
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.templates = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                                     autoescape=select_autoescape(["html"]))

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/"

    def default_term(self) -> Optional[str]:
        county = self.store._county()
        return county.bureau.record.default_term.code if county.bureau else None

    def page(self) -> bytes:
        base = f"/{self.token}/"
        config = cms_config(f"{self.origin}{base}api/v1", f"{self.origin}{base}preview/", self.default_term())
        school = self.store.folder / "school.yml"
        return self.templates.get_template("index.html").render(
            base=base, config=config, version=DECAP_VERSION, slug=self.store.slug, school_file=school.name,
        ).encode("utf-8")

    def problems(self) -> dict:
        """What `careportal check` says about this school now, for the page's status bar."""
        county = self.store._county()
        records = load_school(self.store.root, self.store.folder)
        found = redacted(records.problems)
        if records.ok and county.bureau:
            county = dataclasses.replace(county, schools=[records])
            found += gate_school(county, records)
        found += list(county.problems)
        return {"problems": [problem_json(p) for p in found],
                "errors": sum(p.severity is Severity.ERROR for p in found)}

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(editor: Editor):
    class Handler(BaseHTTPRequestHandler):
        server_version = "careportal-editor"
        sys_version = ""

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature; no access log
            pass

        # --- answers ---------------------------------------------------------------------------

        def _send(self, status: int, body: bytes, kind: str, extra: Optional[dict] = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data) -> None:
            self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

        def _refuse(self, status: int = 403, message: str = "拒绝访问") -> None:
            self._json(status, {"error": message})

        def _file(self, path: Path) -> None:
            kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self._send(200, path.read_bytes(), kind)

        # --- who may ask -----------------------------------------------------------------------

        def _allowed(self) -> Optional[str]:
            """The path after the token, or None (the refusal already sent)."""
            host = self.headers.get("Host", "")
            if host != f"127.0.0.1:{editor.port}":
                self._refuse(403, "拒绝访问：地址不对")
                return None
            origin = self.headers.get("Origin")
            if origin is not None and origin != editor.origin:
                self._refuse(403, "拒绝访问：来自其他网页的请求")
                return None
            if self.headers.get("Sec-Fetch-Site") == "cross-site":
                self._refuse(403, "拒绝访问：来自其他网页的请求")
                return None
            path = urlsplit(self.path).path
            prefix = f"/{editor.token}/"
            if not hmac.compare_digest(path[:len(prefix)].encode(), prefix.encode()) or len(path) < len(prefix):
                self._refuse(403, "拒绝访问：请用 careportal edit 打开的地址")
                return None
            return path[len(prefix):]

        # --- methods ---------------------------------------------------------------------------

        def do_GET(self) -> None:
            rest = self._allowed()
            if rest is None:
                return
            if rest == "":
                # 'unsafe-eval': Decap's bundle compiles code at run time and does not start without it
                self._send(200, editor.page(), "text/html; charset=utf-8", {
                    "Content-Security-Policy": ("default-src 'self'; connect-src 'self' blob: data:; img-src 'self' blob: data:; "
                                                "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-eval' "
                                                "'wasm-unsafe-eval'; font-src 'self' data:; frame-src 'self'; "
                                                "object-src 'none'; base-uri 'none'; form-action 'none'"),
                })
            elif rest.startswith("vendor/decap-cms/"):
                name = rest.removeprefix("vendor/decap-cms/")
                if name in _vendored and name != "SHA256SUMS":
                    self._file(VENDOR / name)
                else:
                    self._refuse(404, "没有这个文件")
            elif rest in {"editor.js", "editor.css"}:
                self._file(STATIC / rest)
            elif rest == "problems":
                self._json(200, editor.problems())
            elif rest == "reviews":
                self._json(200, reviewing.review_list(editor.store.root, editor.store.slug))
            elif rest == "preview" or rest.startswith("preview/"):
                self._preview(unquote(rest.removeprefix("preview").lstrip("/")))
            else:
                self._refuse(404, "没有这个页面")

        do_HEAD = do_GET

        def _preview(self, rest: str) -> None:
            site = editor.preview.ensure()
            if site is None:
                problems = [p.format() for p in editor.preview.problems if p.severity is Severity.ERROR][:20]
                body = editor.templates.get_template("preview_failed.html").render(problems=problems)
                self._send(200, body.encode("utf-8"), "text/html; charset=utf-8")
                return
            parts = [p for p in rest.split("/") if p]
            if any(p in {".", ".."} or p.startswith(".") for p in parts):
                self._refuse(404, "没有这个页面")
                return
            path = site.joinpath(*parts) if parts else site
            if path.is_dir():
                if not rest.endswith("/") and rest:
                    self.send_response(301)
                    self.send_header("Location", f"/{editor.token}/preview/{rest}/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path = path / "index.html"
            if not path.is_file() or path.is_symlink() or site.resolve() not in path.resolve().parents:
                self._refuse(404, "没有这个页面")
                return
            self._file(path)

        def do_POST(self) -> None:
            rest = self._allowed()
            if rest is None:
                return
            if rest not in {"api/v1", "reviews"}:
                self._refuse(404, "没有这个接口")
                return
            if self.headers.get("Origin") is None and self.headers.get("Sec-Fetch-Site") not in (None, "same-origin"):
                self._refuse(403, "拒绝访问：来自其他网页的请求")
                return
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                self._refuse(415, "请求格式不对")
                return
            tab = self.headers.get(TAB, "")
            if not (8 <= len(tab) <= 64) or not tab.isalnum():
                self._refuse(403, "拒绝访问：请用 careportal edit 打开的地址")
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                self._refuse(413, "内容太大")
                return
            try:
                body = json.loads(self.rfile.read(length).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                self._refuse(400, "请求格式不对")
                return
            if rest == "reviews":
                status, answer = reviewing.decide(editor.store.root, editor.store.slug, body, editor.today.isoformat())
            else:
                status, answer = editor.protocol.handle(body, tab)
            self._json(status, answer)

        def _not_allowed(self) -> None:
            if self._allowed() is not None:
                self._refuse(405, "不支持")

        do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    _vendored = vendored_files()
    return Handler
