"""``GET /api/v1/places``: place suggestions for a location box."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .caching import REFERENCE_MAX_AGE_S, cacheable
from .context import reference
from .geo_schemas import PlacesQuerySchema, parse_args
from .openapi import NOT_MODIFIED, cached_json, document, standard_problems
from .response_schemas import PlaceSchema

bp = Blueprint("places", __name__)


@bp.get("/api/v1/places")
@document(summary="Suggestions de lieux (communes, codes postaux, départements) pour une zone de saisie",
          tags=["géographie"], parameters=[{"in": "query", "schema": PlacesQuerySchema}],
          responses={200: cached_json("Les lieux, les meilleurs d'abord.", PlaceSchema(many=True)), 304: NOT_MODIFIED,
                     **standard_problems(400)})
@cacheable(REFERENCE_MAX_AGE_S)
def places():
    params = parse_args(PlacesQuerySchema(), request.args)
    return jsonify(reference().suggest_places(params["q"], params["limit"]))
