"""``GET /api/v1/cpam`` and ``GET /api/v1/cpam/nearest``: parse → call the reference geography → serialize."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .context import reference
from .geo_schemas import CpamQuerySchema, NearestOfficesSchema, parse_args
from .problems import Problem

bp = Blueprint("cpam", __name__)


@bp.get("/api/v1/cpam")
def cpam():
    params = parse_args(CpamQuerySchema(), request.args)
    if "postal_code" in params:
        answer = reference().cpam_for_postal_code(params["postal_code"])
        missing = f"le code postal {params['postal_code']} n'existe pas"
    elif "commune" in params:
        answer = reference().cpam_for_commune(params["commune"])
        missing = f"la commune {params['commune']} n'existe pas"
    else:
        answer = reference().cpam_at(params["lat"], params["lon"])
        missing = "aucun département français à ce point"
    if answer is None:
        raise Problem(404, missing)
    return jsonify(answer)


@bp.get("/api/v1/cpam/nearest")
def nearest():
    params = parse_args(NearestOfficesSchema(), request.args)
    return jsonify({"results": reference().nearest_cpam_offices(params["lat"], params["lon"], params["limit"])})
