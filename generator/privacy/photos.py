"""Activity photos: refused without consent, re-encoded without any metadata, named by hash.

A photo is published only if its activity record says `consent` (the id of the guardians' written
consent, registered in private/consents.csv: see consents.py) and `faces` (none | blurred | consented). Every published image is decoded,
turned upright (EXIF orientation), converted to sRGB, scaled to at most 1280 px wide and encoded
again as a fresh JPEG: no EXIF (so no GPS), no XMP, no ICC profile, no comment segment. Pillow
alone would keep the JPEG comment of the original, so the output is read back and checked
segment by segment. The file name is the hash of the published bytes, so the original name
(often a child's name or a date and place) never reaches the site.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from PIL import Image, ImageOps

from generator.ids import opaque
from generator.privacy import consents

MAX_WIDTH = 1280
MAX_SOURCE_BYTES = 40 * 1024 * 1024
PHOTO_DIR = "photos"  # inside the published site; source photos live in schools/<slug>/photos/
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".ico", ".tif", ".tiff"}
FACES_VALUES = ("none", "blurred", "consented")


class PhotoError(Exception):
    """A photo that cannot be published; the message is Chinese and names no person."""


@dataclass(frozen=True)
class Prepared:
    name: str  # content_name(): hash of the published bytes + .jpg
    data: bytes
    width: int
    height: int


# ---------------------------------------------------------------------------------------------
# Reading back: which metadata does an image file still carry?


def _jpeg_metadata(data: bytes) -> list[str]:
    found = []
    if not data.startswith(b"\xff\xd8"):
        return ["不是完整的 JPEG 文件"]
    i, n = 2, len(data)
    while i < n - 1:
        if data[i] != 0xFF:
            found.append("JPEG 结构异常")
            break
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xD9:  # end of image
            if data[i + 2:].strip(b"\x00"):
                found.append("图片末尾附加了其他数据")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        length = int.from_bytes(data[i + 2:i + 4], "big")
        payload = data[i + 4:i + 2 + length]
        if marker == 0xE0:
            if not payload.startswith(b"JFIF\x00") or (len(payload) >= 14 and (payload[12] or payload[13])):
                found.append("APP0 附加数据（缩略图）")
        elif marker == 0xE1:
            found.append("XMP 元数据" if b"adobe" in payload[:40].lower() or b"xmp" in payload[:40].lower()
                         else "EXIF 元数据（可能含 GPS 位置）")
        elif marker == 0xE2:
            found.append("ICC 色彩配置" if payload.startswith(b"ICC_PROFILE") else "APP2 附加数据")
        elif 0xE3 <= marker <= 0xEF:
            found.append(f"APP{marker - 0xE0} 附加数据")
        elif marker == 0xFE:
            found.append("JPEG 注释（COM）")
        i += 2 + length
        if marker == 0xDA:  # entropy-coded data: skip to the next real marker
            while i < n - 1 and not (data[i] == 0xFF and data[i + 1] not in (0x00, *range(0xD0, 0xD8))):
                i += 1
    return found


_PNG_ALLOWED = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"pHYs", b"bKGD", b"sBIT"}


def _png_metadata(data: bytes) -> list[str]:
    found, i = [], 8
    while i + 8 <= len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        if kind not in _PNG_ALLOWED:
            found.append({b"tEXt": "PNG 文字信息", b"zTXt": "PNG 文字信息", b"iTXt": "PNG 文字信息（可能含 XMP）",
                          b"eXIf": "EXIF 元数据（可能含 GPS 位置）", b"iCCP": "ICC 色彩配置"}.get(kind, f"PNG 附加数据块 {kind!r}"))
        i += 12 + length
        if kind == b"IEND":
            if data[i:].strip(b"\x00"):
                found.append("图片末尾附加了其他数据")
            break
    return found


def _webp_metadata(data: bytes) -> list[str]:
    found, i = [], 12
    while i + 8 <= len(data):
        kind = data[i:i + 4]
        length = int.from_bytes(data[i + 4:i + 8], "little")
        if kind in (b"EXIF", b"XMP ", b"ICCP"):
            found.append({b"EXIF": "EXIF 元数据（可能含 GPS 位置）", b"XMP ": "XMP 元数据", b"ICCP": "ICC 色彩配置"}[kind])
        i += 8 + length + (length & 1)
    return found


def metadata_found(data: bytes) -> list[str]:
    """Chinese descriptions of every kind of metadata an image still carries (empty = clean)."""
    if data.startswith(b"\xff\xd8"):
        found = _jpeg_metadata(data)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        found = _png_metadata(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = _webp_metadata(data)
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        found = ["GIF 注释"] if b"\x21\xfe" in data else []
        if b"XMP DataXMP" in data:
            found.append("XMP 元数据")
    else:
        return ["careportal 无法检查这种图片格式"]
    try:
        with Image.open(io.BytesIO(data)) as im:
            if len(im.getexif()):
                found.append("EXIF 元数据（可能含 GPS 位置）")
            for key, what in (("comment", "图片注释"), ("icc_profile", "ICC 色彩配置"), ("xmp", "XMP 元数据"),
                              ("XML:com.adobe.xmp", "XMP 元数据")):
                if im.info.get(key):
                    found.append(what)
            if getattr(im, "text", None):
                found.append("PNG 文字信息")
    except Exception:  # Pillow raises many kinds for a broken file
        found.append("图片无法打开")
    return sorted(set(found))


# ---------------------------------------------------------------------------------------------
# Encoding


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(im.convert("RGB"), source, target, outputMode="RGB")
    except Exception:  # a broken or unusual profile: keep the pixels as they are
        return im


def encode(source: Path) -> Prepared:
    """Decode, turn upright, scale, and encode a fresh JPEG; verify it carries no metadata."""
    if source.stat().st_size > MAX_SOURCE_BYTES:
        raise PhotoError("照片文件太大（超过 40 MB），请先缩小再放进 photos 文件夹")
    try:
        with Image.open(source) as opened:
            if opened.format not in {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}:
                raise PhotoError("不支持这种图片格式，请另存为 JPG 或 PNG")
            opened.draft("RGB", (MAX_WIDTH, MAX_WIDTH))
            im = ImageOps.exif_transpose(opened)
            icc = opened.info.get("icc_profile")
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                im = im.convert("RGBA")
                im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
            if icc:
                im = _to_srgb(im, icc)
            im = im.convert("RGB")
            if im.width > MAX_WIDTH:
                im = im.resize((MAX_WIDTH, max(1, round(im.height * MAX_WIDTH / im.width))), Image.Resampling.LANCZOS)
            clean = Image.new("RGB", im.size)  # a fresh image: no info dict, nothing carried over
            clean.paste(im)
    except PhotoError:
        raise
    except Image.DecompressionBombError:
        raise PhotoError("照片像素太多，无法处理，请先缩小") from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError … for what it cannot read
        raise PhotoError("这个文件打不开，不是有效的图片（手机的 HEIC 照片请先转成 JPG）") from None
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    data = buffer.getvalue()
    left = metadata_found(data)
    if left:  # never expected: the check that makes the promise, not the encoder's good manners
        raise PhotoError("处理后的照片仍带有" + "、".join(left) + "，已拒绝发布")
    return Prepared(content_name(data, ".jpg"), data, clean.width, clean.height)


@lru_cache(maxsize=512)
def _prepare_cached(path: str, size: int, mtime_ns: int) -> Prepared:
    return encode(Path(path))


def prepare(source: Path) -> Prepared:
    stat = source.stat()
    return _prepare_cached(str(source), stat.st_size, stat.st_mtime_ns)


def content_name(data: bytes, suffix: str) -> str:
    """The file name of published bytes: their SHA-256 in base32 (see ids.py: no name can ever look
    like a phone, ID or card number to the gate)."""
    return opaque(data) + suffix


def hashed_name_ok(name: str, data: bytes) -> bool:
    return name == content_name(data, name[name.index("."):] if "." in name else "")


# ---------------------------------------------------------------------------------------------
# Where photos are, and what templates see


def resolve(folder: Path, file: str) -> Path:
    """A photo's `file` value → the file under schools/<slug>/photos/ (or activities/photos/)."""
    name = unicodedata.normalize("NFKC", file).replace("\\", "/").strip()
    name = name.removeprefix("./")
    name = name.removeprefix("photos/")
    parts = Path(name).parts
    if not name or Path(name).is_absolute() or ".." in parts:
        raise PhotoError("照片路径只能是 photos 文件夹里的文件名，例如 2024-06-01-1.jpg")
    for base in (folder / PHOTO_DIR, folder / "activities" / PHOTO_DIR):
        path = base / name
        if path.is_symlink() or any(p.is_symlink() for p in path.parents if base in p.parents or p == base):
            raise PhotoError("照片不能是快捷方式（符号链接），请放入真实文件")
        if path.is_file():
            if base.resolve() not in path.resolve().parents:
                raise PhotoError("照片必须放在学校的 photos 文件夹里")
            return path
    raise PhotoError(f"找不到照片文件 {name}，请放在学校文件夹的 photos 文件夹里")


def refusal(consent: Optional[str], faces: Optional[str], folder: Optional[Path] = None) -> Optional[str]:
    """Why a photo record may not be published, or None. With the school's `folder`, the consent
    must be a valid, unexpired, in-scope row of private/consents.csv (consents.py)."""
    missing = []
    if not consent or not consent.strip():
        missing.append("consent（private/consents.csv 里监护人同意书的编号）")
    if not faces:
        missing.append("faces（none 没有人脸 / blurred 已打码 / consented 已获同意）")
    if missing:
        return "照片缺少 " + "、".join(missing) + "，不能发布。孩子的照片必须先取得监护人同意"
    return consents.refusal(folder, consent)


@dataclass(frozen=True)
class PhotoView:
    """A published photo, as templates see it. Encoding happens on first use and is cached."""

    source: Path
    caption: str

    @property
    def prepared(self) -> Prepared:
        return prepare(self.source)

    @property
    def path(self) -> str:
        return f"{PHOTO_DIR}/{self.prepared.name}"

    @property
    def width(self) -> int:
        return self.prepared.width

    @property
    def height(self) -> int:
        return self.prepared.height


def photo_views(folder: Path, photos: Iterable) -> tuple[PhotoView, ...]:
    """Only photos with consent and faces whose file exists: refused ones never reach a template."""
    views = []
    for photo in photos:
        faces = getattr(photo.faces, "value", photo.faces)
        if refusal(photo.consent, faces, folder):
            continue
        try:
            views.append(PhotoView(resolve(folder, photo.file), photo.caption))
        except PhotoError:
            continue
    return tuple(views)


def write_photos(photos: Iterable[PhotoView], docs: Path) -> int:
    """Write the published photos into the MkDocs docs folder; returns how many."""
    count = 0
    for photo in photos:
        target = docs / photo.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_bytes(photo.prepared.data)
            count += 1
    return count
