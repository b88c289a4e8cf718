"""Decap CMS's local backend protocol (`POST /api/v1 {action, params}`, as decap-server speaks
it), answered from one school's folder through store.py. Every write goes through the store's
checks; a refusal is `{"error": <Chinese text>, "problems": [...]}` and nothing is written.

Decap does not say which version of a file a save is based on, so the editor's page sends a tab id
with every call (X-Careportal-Tab) and the server remembers, per tab, the hash of each file as that
tab last read it: a save whose file changed on disk since then is refused (two tabs, or Notepad).
"""

from __future__ import annotations

import base64
import binascii
import threading
from typing import Any, Optional

from generator.editor.store import NOT_ALLOWED, Refused, SchoolStore, sha256
from generator.problems import Problem


def _entry(store: SchoolStore, target, data: Optional[bytes], label: Any = None) -> dict:
    file = {"path": target.relative, "id": sha256(data) if data is not None else None}
    if label is not None:
        file["label"] = label
    return {"data": store.display_text(target, data) if data is not None else None, "file": file}


def _media(relative: str, data: bytes) -> dict:
    return {"id": sha256(data), "content": base64.b64encode(data).decode("ascii"), "encoding": "base64",
            "path": relative, "name": relative.rsplit("/", 1)[-1]}


def problem_json(problem: Problem, field: str = "") -> dict:
    return {"text": problem.format(), "path": problem.path, "message": problem.message, "line": problem.line,
            "field": problem.place or field, "label": problem.field, "severity": problem.severity.value}


class Protocol:
    def __init__(self, store: SchoolStore):
        self.store = store
        self._seen: dict[tuple[str, str], str] = {}  # (tab, path) → hash as that tab last read it
        self._lock = threading.Lock()

    def _saw(self, tab: str, relative: str, data: Optional[bytes]) -> None:
        with self._lock:
            if data is None:
                self._seen.pop((tab, relative), None)
            else:
                self._seen[(tab, relative)] = sha256(data)

    def handle(self, body: Any, tab: str) -> tuple[int, Any]:
        """(status, JSON) for one request body."""
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            return 422, {"error": "请求格式不对"}
        params = body.get("params") or {}
        if not isinstance(params, dict):
            return 422, {"error": "请求格式不对"}
        action = body["action"]
        method = getattr(self, "do_" + action, None) if action.isidentifier() else None
        if method is None:
            return 422, {"error": f"不支持的操作：{action[:40]}"}
        try:
            return 200, method(params, tab)
        except Refused as exc:
            return exc.status, {"error": exc.message, "problems": [problem_json(p) for p in exc.problems]}

    # --- reading -------------------------------------------------------------------------------

    def do_info(self, params: dict, tab: str) -> dict:
        return {"repo": self.store.slug, "publish_modes": ["simple"], "type": "local_fs"}

    def do_entriesByFolder(self, params: dict, tab: str) -> list:
        entries = []
        for relative in self.store.folder_files(params.get("folder"), str(params.get("extension") or "yml")):
            target, data = self.store.read(relative)
            self._saw(tab, relative, data)
            entries.append(_entry(self.store, target, data))
        return entries

    def do_entriesByFiles(self, params: dict, tab: str) -> list:
        files = params.get("files")
        if not isinstance(files, list):
            raise Refused(NOT_ALLOWED, status=403)
        entries = []
        for item in files:
            relative = item.get("path") if isinstance(item, dict) else None
            target, data = self.store.read(relative)
            self._saw(tab, relative, data)
            entries.append(_entry(self.store, target, data, item.get("label")))
        return entries

    def do_getEntry(self, params: dict, tab: str) -> dict:
        relative = params.get("path")
        target, data = self.store.read(relative)
        self._saw(tab, relative, data)
        return _entry(self.store, target, data)

    def do_getMedia(self, params: dict, tab: str) -> list:
        found = []
        for relative in self.store.folder_files(params.get("mediaFolder")):
            _, data = self.store.read(relative)
            if data is not None:
                found.append(_media(relative, data))
        return found

    def do_getMediaFile(self, params: dict, tab: str) -> dict:
        target, data = self.store.read(params.get("path"))
        if target.kind != "media" or data is None:
            raise Refused("找不到这张照片", status=404)
        return _media(target.relative, data)

    def do_getDeployPreview(self, params: dict, tab: str) -> None:
        return None

    # --- writing -------------------------------------------------------------------------------

    @staticmethod
    def _decoded(asset: Any) -> tuple[str, bytes]:
        if not isinstance(asset, dict) or asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise Refused("照片上传的格式不对")
        try:
            return asset.get("path"), base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError):
            raise Refused("照片上传的格式不对") from None

    def do_persistMedia(self, params: dict, tab: str) -> dict:
        relative, data = self._decoded(params.get("asset"))
        target, stored, _ = self.store.write_photo(relative, data)
        return _media(target.relative, stored)

    def do_persistEntry(self, params: dict, tab: str) -> dict:
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else [])
        if len(files) != 1 or not isinstance(files[0], dict):
            raise Refused("一次只能保存一条记录")
        relative, raw = files[0].get("path"), files[0].get("raw")
        if files[0].get("newPath") not in (None, relative):
            raise Refused("不能在编辑器里给记录改文件名")
        self.store.target(relative)  # refuse a bad path before anything is stored
        created = []
        try:
            for asset in params.get("assets") or []:
                path, data = self._decoded(asset)
                target, _, new = self.store.write_photo(path, data)
                if new:
                    created.append(target.path)
            with self._lock:
                based_on = self._seen.get((tab, relative))
            digest, warnings = self.store.write_record(relative, raw, based_on)
        except Refused:
            for path in created:  # a refused save leaves no photo of its own behind
                path.unlink(missing_ok=True)
            raise
        with self._lock:
            self._seen[(tab, relative)] = digest
        return {"message": "entry persisted", "warnings": [problem_json(p) for p in warnings]}

    def do_deleteFile(self, params: dict, tab: str) -> None:
        raise Refused("编辑器不删除文件。不要的记录请告诉技术人员，或在文件夹里自己删除", status=403)

    do_deleteFiles = do_deleteFile
