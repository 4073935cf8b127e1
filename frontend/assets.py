"""Static files served gzip-compressed when the browser accepts it, with an ETag and cache headers.

The files are few and small: each is read, hashed and compressed once (again if it changes on
disk) and kept in memory. :meth:`AssetFiles.url` adds a content hash to the URL (``?v=…``) so a
page can let browsers keep the file for a long time and still get a new version at once.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, request
from werkzeug.security import safe_join

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "application/json",
                "application/geo+json", "image/svg+xml", "text/html", "text/plain"}
TYPES = {".js": "text/javascript", ".css": "text/css", ".geojson": "application/geo+json",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain"}
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Body:
    """Bytes to send, plain and compressed, with their type and ETag."""

    data: bytes
    gzipped: bytes | None
    mimetype: str
    etag: str

    @classmethod
    def of(cls, data: bytes, mimetype: str) -> "Body":
        gzipped = gzip.compress(data, 9, mtime=0) if mimetype in COMPRESSIBLE and len(data) > 512 else None
        if gzipped is not None and len(gzipped) >= len(data):
            gzipped = None
        return cls(data, gzipped, mimetype, hashlib.sha256(data).hexdigest()[:16])

    def response(self, cache_control: str = REVALIDATE, extra_headers: dict[str, str] | None = None) -> Response:
        headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding", **(extra_headers or {})}
        if self.etag in request.if_none_match:
            response = Response(status=304, headers=headers)
            response.set_etag(self.etag)
            return response
        use_gzip = self.gzipped is not None and "gzip" in request.accept_encodings
        response = Response(self.gzipped if use_gzip else self.data, mimetype=self.mimetype, headers=headers)
        if self.mimetype.startswith("text/") or self.mimetype.endswith("json") or self.mimetype.endswith("+xml"):
            response.charset = "utf-8"
            response.headers["Content-Type"] = f"{self.mimetype}; charset=utf-8"
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        response.set_etag(self.etag)
        return response


def mimetype_of(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class AssetFiles:
    """The files under one directory, by relative path."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[str, tuple[float, Body]] = {}
        self._lock = threading.Lock()

    def body(self, relative: str) -> Body | None:
        joined = safe_join(str(self.root), relative)
        if joined is None:
            return None
        path = Path(joined)
        if not path.is_file():
            return None
        mtime = path.stat().st_mtime
        cached = self._cache.get(relative)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        body = Body.of(path.read_bytes(), mimetype_of(path))
        with self._lock:
            self._cache[relative] = (mtime, body)
        return body

    def url(self, prefix: str, relative: str) -> str:
        body = self.body(relative)
        if body is None:
            raise FileNotFoundError(self.root / relative)
        return f"{prefix}/{relative}?v={body.etag[:10]}"

    def serve(self, relative: str, cache_control: str | None = None) -> Response:
        body = self.body(relative)
        if body is None:
            abort(404)
        versioned = "v" in request.args
        return body.response(cache_control or (LONG_CACHE if versioned else REVALIDATE))
