"""``GET /api/v1/cpam`` and ``GET /api/v1/cpam/nearest``: parse → call the reference geography → serialize."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .context import reference
from .geo_schemas import CpamQuerySchema, NearestOfficesSchema, parse_args
from .openapi import document, json_response, standard_problems
from .problems import Problem
from .response_schemas import CpamSchema, NearestAccueilsSchema

bp = Blueprint("cpam", __name__)


@bp.get("/api/v1/cpam")
@document(summary="La caisse primaire (CPAM) d'un code postal, d'une commune ou d'un point, avec ses accueils",
          tags=["CPAM"], parameters=[{"in": "query", "schema": CpamQuerySchema}],
          responses={200: json_response("Les caisses qui servent ce lieu et leurs accueils.", CpamSchema),
                     **standard_problems(400, 404)})
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
@document(summary="Les accueils CPAM les plus proches d'un point", tags=["CPAM"],
          parameters=[{"in": "query", "schema": NearestOfficesSchema}],
          responses={200: json_response("Les accueils, le plus proche d'abord, chacun avec sa caisse.",
                                        NearestAccueilsSchema),
                     **standard_problems(400)})
def nearest():
    params = parse_args(NearestOfficesSchema(), request.args)
    return jsonify({"results": reference().nearest_cpam_offices(params["lat"], params["lon"], params["limit"])})
