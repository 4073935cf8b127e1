"""``GET /api/v1/places``: place suggestions for a location box."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .context import reference
from .geo_schemas import PlacesQuerySchema, parse_args

bp = Blueprint("places", __name__)


@bp.get("/api/v1/places")
def places():
    params = parse_args(PlacesQuerySchema(), request.args)
    return jsonify(reference().suggest_places(params["q"], params["limit"]))
