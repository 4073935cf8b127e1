"""docker-compose.yml and the Dockerfile name only things that exist in the project.

No Docker engine runs here, so the files are checked, not run: the YAML parses, every build
context, file, setting, command and health check they name is real, every image tag is pinned.
"""
from __future__ import annotations

import fnmatch
import importlib
import os
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import click
import pytest
import yaml

from directory.backend import open_backend
from directory.settings import Settings, load_settings
from indexer.cli import main as annuaire

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ANNUAIRE_SERVICES = ("generator", "indexer", "api")
EXACT_PYTHON = re.compile(r"python:3\.11\.\d+-slim-bookworm")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, arguments in dockerfile_instructions():
        if instruction == "ENV":
            env.update(part.split("=", 1) for part in shlex.split(arguments))
    return env


def gunicorn_variables() -> set[str]:
    """The environment variables gunicorn.conf.py reads."""
    return set(re.findall(r"environ\.get\(\"([A-Z_]+)\"", (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")))


def setting_variables() -> set[str]:
    return {f"ANNUAIRE_{field.name.upper()}" for field in fields(Settings)} | {"ANNUAIRE_CONFIG"}


def service_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def image_tag(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1]
    return name.split(":", 1)[1] if ":" in name else None


def healthcheck_command(test) -> list[str]:
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    return list(test)


# -- the compose file --------------------------------------------------------------------------

def test_the_compose_file_has_elasticsearch_the_one_shot_jobs_and_the_api(services):
    assert set(services) == {"elasticsearch", "generator", "indexer", "api"}


def test_every_image_tag_is_pinned(services):
    script = (ROOT / "scripts" / "elasticsearch.sh").read_text(encoding="utf-8")
    tested_version = re.search(r"ANNUAIRE_ES_VERSION:-([0-9.]+)", script).group(1)
    assert services["elasticsearch"]["image"] == f"docker.elastic.co/elasticsearch/elasticsearch:{tested_version}"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    for name, service in services.items():
        tag = image_tag(service["image"])
        assert tag and tag != "latest" and re.fullmatch(r"\d+\.\d+\.\d+", tag), f"{name}: {service['image']}"
        if name in ANNUAIRE_SERVICES:
            assert service["image"] == f"annuaire:{version}"


def test_every_build_context_and_dockerfile_exists(services):
    for name in ANNUAIRE_SERVICES:
        build = services[name]["build"]
        context = ROOT / build["context"]
        assert context.is_dir() and (context / build.get("dockerfile", "Dockerfile")).is_file(), name
    assert "build" not in services["elasticsearch"]


def test_every_annuaire_variable_is_a_real_setting(services):
    known = setting_variables() | gunicorn_variables()
    for name, service in services.items():
        for variable in service_env(service):
            if variable.startswith("ANNUAIRE_") or name in ANNUAIRE_SERVICES:
                assert variable in known, f"{name}: {variable} n'est lu ni par directory/settings.py ni par gunicorn.conf.py"


def test_the_settings_of_each_service_load_and_name_the_elasticsearch_service(services):
    for name in ("indexer", "api"):
        env = {**dockerfile_env(), **service_env(services[name])}
        settings = load_settings(environ=env)
        assert settings.backend == "http://elasticsearch:9200"
        backend = open_backend(settings.backend, settings.backend_settings())  # no connection is made
        assert backend.kind == "elasticsearch" and backend.alias == settings.es_index
    assert load_settings(environ=service_env(services["api"])).timeout_s == 2.0


def test_every_annuaire_command_exists_with_its_options(services):
    for name in ("generator", "indexer"):
        command = services[name]["command"]
        assert command[0] == "annuaire" and command[1] in annuaire.commands, command
        subcommand: click.Command = annuaire.commands[command[1]]
        with subcommand.make_context(command[1], list(command[2:])) as context:  # raises on an unknown option
            assert context.params


def test_the_indexer_loads_the_file_the_generator_writes_in_the_shared_volume(services):
    generator, indexer = services["generator"]["command"], services["indexer"]["command"]
    out_dir = Path(generator[generator.index("--out") + 1])
    sources = [Path(argument) for argument in indexer[2:] if argument.endswith(".jsonl")]
    assert sources == [out_dir / "practitioners.jsonl"]
    assert services["generator"]["volumes"] == services["indexer"]["volumes"]
    mount = services["indexer"]["volumes"][0].split(":")[1]
    assert out_dir.is_relative_to(mount)
    assert "--if-empty" in indexer, "a second `docker compose up` keeps the index"


def test_the_api_runs_the_project_gunicorn_configuration_on_an_importable_app(services):
    command = services["api"]["command"]
    assert command[:3] == ["gunicorn", "-c", "gunicorn.conf.py"] and (ROOT / command[2]).is_file()
    module_name, _, call = command[3].partition(":")
    factory = getattr(importlib.import_module(module_name), call.removesuffix("()"))
    assert callable(factory)
    env = {**os.environ, **dockerfile_env(), **service_env(services["api"])}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run([str(gunicorn), *command[1:3], "--check-config", command[3]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_health_checks_ask_the_cluster_health_and_the_api_health(services):
    elasticsearch = healthcheck_command(services["elasticsearch"]["healthcheck"]["test"])
    assert elasticsearch[0] == "CMD-SHELL" and "http://127.0.0.1:9200/_cluster/health" in elasticsearch[1]
    api = healthcheck_command(services["api"]["healthcheck"]["test"])
    assert api[:3] == ["CMD", "python", "-c"] and "http://127.0.0.1:8000/api/v1/health" in api[3]
    compile(api[3], "healthcheck", "exec")
    assert services["api"]["environment"]["ANNUAIRE_BIND"].endswith(":8000")


def test_the_api_starts_after_the_cluster_is_healthy_and_the_index_is_loaded(services):
    assert services["api"]["depends_on"] == {"elasticsearch": {"condition": "service_healthy"},
                                             "indexer": {"condition": "service_completed_successfully"}}
    assert services["indexer"]["depends_on"] == {"elasticsearch": {"condition": "service_healthy"},
                                                 "generator": {"condition": "service_completed_successfully"}}


def test_elasticsearch_without_security_is_only_on_an_internal_network(compose, services):
    elasticsearch = services["elasticsearch"]
    environment = service_env(elasticsearch)
    assert environment["discovery.type"] == "single-node"
    assert re.fullmatch(r"-Xms(\d+[mg]) -Xmx\1", environment["ES_JAVA_OPTS"]), "heap set, min = max"
    if environment.get("xpack.security.enabled") == "false":
        assert "ports" not in elasticsearch, "an unsecured node must not be published"
        assert all(compose["networks"][network].get("internal") for network in elasticsearch["networks"])
    assert any(volume.endswith(":/usr/share/elasticsearch/data") for volume in elasticsearch["volumes"])
    assert set(compose["volumes"]) == {volume.split(":")[0] for service in services.values()
                                       for volume in service.get("volumes", [])}


# -- the Dockerfile ----------------------------------------------------------------------------

def test_the_base_image_is_pinned_to_an_exact_python_311():
    bases = [arguments.split()[0] for instruction, arguments in dockerfile_instructions() if instruction == "FROM"]
    assert len(bases) == 1 and EXACT_PYTHON.fullmatch(bases[0]), bases


def test_every_copied_file_exists_and_is_not_ignored():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    copies = [shlex.split(arguments) for instruction, arguments in dockerfile_instructions() if instruction == "COPY"]
    assert copies
    for *sources, _ in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), f"{source} est exclu par .dockerignore"
    packages = {source for *sources, _ in copies for source in sources if (ROOT / source).is_dir()}
    assert packages == {"directory", "geodata", "indexer", "api", "frontend"}


def test_the_image_runs_the_api_as_a_user_with_the_compose_command(services):
    instructions = dockerfile_instructions()
    user = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert user and user[-1] not in ("root", "0")
    command = [arguments for instruction, arguments in instructions if instruction == "CMD"][-1]
    assert yaml.safe_load(command) == services["api"]["command"]
    assert set(dockerfile_env()) - gunicorn_variables() <= setting_variables() | {
        "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"}
    health = [arguments for instruction, arguments in instructions if instruction == "HEALTHCHECK"][-1]
    assert "/api/v1/health" in health


def test_the_readme_says_how_to_run_it_and_that_it_was_not_run_here():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deployment (docker-compose)", 1)[1].split("\n## ", 1)[0]
    assert "docker compose up" in section and "docs/deployment.md" in section
    assert "no Docker engine" in section
