"""``/api/v1/practitioners`` (search, detail), nomenclatures and health: parse → call → serialize."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from marshmallow import RAISE, ValidationError

from directory.backend import BackendUnavailable, InvalidCursor
from directory.cursors import decode_cursor
from directory.model import FACET_FIELDS, SearchPage, SearchQuery
from directory.nomenclatures import professions, specialties
from directory.text_matching import query_tokens

from .caching import NOMENCLATURE_MAX_AGE_S, cacheable
from .context import backend, reference
from .openapi import NOT_MODIFIED, cached_json, document, json_response, problems, standard_problems
from .problems import Problem, invalid_parameters
from .response_schemas import DetailSchema, FeatureCollectionSchema, HealthSchema, NomenclatureEntrySchema, PageSchema
from .schema_base import FrenchSchema, flat_messages
from .search_params import SearchParamsSchema, flatten_args, to_query
from .serializers import geojson, page_json, practitioner_json

bp = Blueprint("practitioners", __name__)

MAX_ID_LENGTH = 100


class NoParamsSchema(FrenchSchema):
    """Endpoints without query parameters: any parameter is an error, never silently ignored."""

    class Meta:
        unknown = RAISE


def search_schema() -> SearchParamsSchema:
    return SearchParamsSchema(max_query_length=current_app.config["ANNUAIRE"].max_query_length)


def load_args(schema, args) -> dict:
    """Query args → validated dict through ``schema``, or a 400 problem naming every bad parameter."""
    data, errors = flatten_args(args)
    params: dict = {}
    try:
        params = schema.load(data)
    except ValidationError as error:
        errors.update(flat_messages(error.normalized_messages()))
    if errors:
        raise invalid_parameters(errors)
    return params


def parse_search_args(args) -> tuple[dict, tuple[float, float] | None]:
    params = load_args(search_schema(), args)
    if "postal_code" in params and not reference().communes_for_postal_code(params["postal_code"]):
        raise Problem(404, f"code postal inconnu : {params['postal_code']}")
    if "commune" in params and reference().current_commune(params["commune"]) is None:
        raise Problem(404, f"code commune inconnu : {params['commune']}")
    point = None
    if "near" in params:
        place = resolve_place(params["near"])
        if place is None:
            raise invalid_parameters({"near": [f"lieu introuvable : {params['near']}"]})
        point = place
    return params, point


def resolve_place(text: str) -> tuple[float, float] | None:
    suggestions = reference().suggest_places(text, 1)
    if not suggestions or suggestions[0].get("lat") is None or suggestions[0].get("lon") is None:
        return None
    return suggestions[0]["lat"], suggestions[0]["lon"]


def searchable(query: SearchQuery) -> bool:
    """False when ``q`` was given but holds no word (``*``, ``")``…): such a text matches nothing,
    it is never a wildcard nor an operator."""
    return query.text is None or bool(query_tokens(query.text))


def nothing_found() -> SearchPage:
    return SearchPage(total=0, hits=[], facets={name: [] for name in FACET_FIELDS}, next_cursor=None)


@bp.get("/api/v1/practitioners")
@document(
    summary="Rechercher des professionnels de santé",
    description="Filtres combinés par ET ; valeurs répétées d'un même filtre par OU. Un seul critère de lieu à la "
                "fois (lat/lon, near, postal_code, commune, departement, bbox). `total` est exact et les facettes "
                "portent sur tous les résultats.",
    tags=["praticiens"],
    parameters=[{"in": "query", "schema": search_schema}],
    responses={200: {"description": "Une page de résultats (format=geojson : une FeatureCollection des mêmes résultats).",
                     "content": {"application/json": {"schema": PageSchema},
                                 "application/geo+json": {"schema": FeatureCollectionSchema}}},
               **standard_problems(400, 404, 503)},
)
def search():
    params, point = parse_search_args(request.args)
    query = to_query(params, point)
    try:
        page_number = query.page if query.cursor is None else decode_cursor(query)[1]
        page = backend().search(query) if searchable(query) else nothing_found()
    except InvalidCursor as error:
        raise invalid_parameters({"cursor": [str(error)]}) from error
    if params.get("format") == "geojson":
        response = jsonify(geojson(page, page_number, query.per_page))
        response.mimetype = "application/geo+json"
        return response
    return jsonify(page_json(page, page_number, query.per_page))


@bp.get("/api/v1/practitioners/<practitioner_id>")
@document(
    summary="Un praticien en un lieu, avec ses autres lieux d'exercice",
    tags=["praticiens"],
    parameters=[{"in": "path", "name": "practitioner_id", "required": True,
                 "description": "identifiant lu dans `id` d'un résultat",
                 "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH}}],
    responses={200: json_response("Le praticien (sans distance_km) et other_places.", DetailSchema),
               **standard_problems(400, 404, 503)},
)
def detail(practitioner_id: str):
    load_args(NoParamsSchema(), request.args)
    if len(practitioner_id) > MAX_ID_LENGTH:
        raise invalid_parameters({"practitioner_id": [f"identifiant trop long (au plus {MAX_ID_LENGTH} caractères)"]})
    practitioner = backend().get(practitioner_id)
    if practitioner is None:
        raise Problem(404, f"aucun praticien avec l'identifiant {practitioner_id}")
    body = practitioner_json(practitioner)
    body["other_places"] = [practitioner_json(other) for other in backend().places_of(practitioner.person_id)
                            if other.id != practitioner.id]
    return jsonify(body)


def _nomenclature_json(code_list, counts: dict[str, int]):
    return jsonify([{"code": entry.code, "label": entry.label, "count": counts.get(entry.code, 0)}
                    for entry in code_list.codes])


NOMENCLATURE_DOC = dict(
    tags=["nomenclatures"],
    parameters=[{"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                 "description": "ETag d'une réponse précédente : 304 si rien n'a changé"}],
)


@bp.get("/api/v1/professions")
@document(summary="Les professions (nomenclature TRE_G15) et le nombre de praticiens indexés", **NOMENCLATURE_DOC,
          responses={200: cached_json("Les professions.", NomenclatureEntrySchema(many=True)),
                     304: NOT_MODIFIED,
                     **standard_problems(400, 503)})
@cacheable(NOMENCLATURE_MAX_AGE_S)
def list_professions():
    load_args(NoParamsSchema(), request.args)
    return _nomenclature_json(professions(), backend().counts("profession"))


@bp.get("/api/v1/specialties")
@document(summary="Les spécialités et le nombre de praticiens indexés", **NOMENCLATURE_DOC,
          responses={200: cached_json("Les spécialités.", NomenclatureEntrySchema(many=True)),
                     304: NOT_MODIFIED,
                     **standard_problems(400, 503)})
@cacheable(NOMENCLATURE_MAX_AGE_S)
def list_specialties():
    load_args(NoParamsSchema(), request.args)
    return _nomenclature_json(specialties(), backend().counts("specialty"))


@bp.get("/api/v1/health")
@document(summary="État du service et du moteur de recherche", tags=["service"],
          responses={200: json_response("Le moteur répond.", HealthSchema),
                     503: json_response("Le moteur ne répond pas (status = degraded).", HealthSchema),
                     **problems(400, 414)})
def health():
    load_args(NoParamsSchema(), request.args)
    try:
        info = backend().info()
    except BackendUnavailable:
        return jsonify({"status": "degraded", "backend": backend().kind, "documents": 0, "data_date": None,
                        "demo": False}), 503
    return jsonify({"status": "ok", "backend": backend().kind, "documents": info.documents,
                    "data_date": info.data_date, "demo": info.demo})
