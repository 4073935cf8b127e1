# Annuaire: the API under gunicorn, and the `annuaire` command (generate, index) for one-shot jobs.
#
#   docker build -t annuaire:0.1.0 .          (docker-compose.yml builds it for you)
#   docker run --rm -p 8000:8000 -e ANNUAIRE_BACKEND=http://elasticsearch:9200 annuaire:0.1.0
#
# The base image is pinned to an exact Python patch release on Debian bookworm; shapely's wheel
# carries GEOS, so no system package is needed.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the service needs (see .dockerignore): no tests, benchmarks, virtualenv or local data.
COPY pyproject.toml README.md gunicorn.conf.py ./
COPY directory ./directory
COPY geodata ./geodata
COPY indexer ./indexer
COPY api ./api
COPY frontend ./frontend
RUN pip install '.[elasticsearch,server]'

# An unprivileged user; /data holds the generated or mounted sources, reject reports and the
# geocoding cache (a named volume in docker-compose.yml, owned by this user).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home annuaire \
    && mkdir -p /data \
    && chown annuaire:annuaire /data
USER annuaire

ENV ANNUAIRE_BIND=0.0.0.0:8000 \
    ANNUAIRE_GEOCODE_CACHE=/data/geocode-cache.sqlite3 \
    ANNUAIRE_BACKEND=sqlite:///data/annuaire.sqlite3

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "api.app:create_app()"]
