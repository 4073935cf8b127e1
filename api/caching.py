"""HTTP caching of slowly changing answers (nomenclatures, place suggestions): ``ETag`` + ``Cache-Control``.

The ETag is a digest of the body, so it changes exactly when the answer does (a reindex changes
the nomenclature counts); ``If-None-Match`` with the current ETag gets a 304 with no body.
"""
from __future__ import annotations

import functools
from typing import Callable

from flask import make_response, request

NOMENCLATURE_MAX_AGE_S = 300
REFERENCE_MAX_AGE_S = 86_400


def cacheable(max_age_s: int) -> Callable:
    """Decorate a GET view: its 200 answers get a strong ETag and ``Cache-Control: public, max-age``."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200:
                response.add_etag()
                response.cache_control.public = True
                response.cache_control.max_age = max_age_s
                response.make_conditional(request)
            return response

        return wrapper

    return decorate
