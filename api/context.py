"""Access, from a view, to what the application holds: the backend and the reference geography."""
from __future__ import annotations

from flask import current_app


def services():
    """The :class:`api.services.Services` of the current application."""
    return current_app.extensions["annuaire"]


def backend():
    """The directory backend of the current application."""
    return services().backend


def reference():
    """The reference geography (``geodata.load_reference()``), loaded once per process."""
    return services().reference
