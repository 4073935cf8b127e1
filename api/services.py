"""What the application holds for its views: settings, the backend, the reference geography.

Created by ``create_app``; the backend is opened and the geography loaded on first use.
"""
from __future__ import annotations

import functools
import threading

from directory.backend import DirectoryBackend, open_backend
from directory.settings import Settings


class Services:
    def __init__(self, settings: Settings, backend: DirectoryBackend | None = None, reference=None):
        self.settings = settings
        self._backend = backend
        self._reference = reference
        self._lock = threading.Lock()

    @property
    def backend(self) -> DirectoryBackend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = open_backend(self.settings.backend, self.settings.backend_settings())
        return self._backend

    @functools.cached_property
    def reference(self):
        if self._reference is not None:
            return self._reference
        from geodata.reference import load_reference

        return load_reference(self.settings.geodata_dir)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
