"""The ``annuaire`` command: ``generate``, ``index``, ``serve``."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from directory.backend import BackendUnavailable, open_backend
from directory.settings import load_settings


def _backend_from(url: str | None):
    settings = load_settings({"backend": url} if url else None)
    return open_backend(settings.backend, settings.backend_settings()), settings


@click.group(help="Annuaire des professionnels de santé : génération, indexation, service.")
def main() -> None:
    pass


@main.command(help="Écrit une population synthétique de démonstration (noms fictifs, communes réelles).")
@click.option("--size", type=click.IntRange(1), default=50_000, show_default=True, help="nombre de praticiens")
@click.option("--seed", type=int, default=2026, show_default=True, help="graine (même graine, mêmes données)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="dossier de sortie")
def generate(size: int, seed: int, out_dir: Path) -> None:
    from geodata.reference import load_reference

    from .generator import generate_population
    from .jsonl_format import write_jsonl
    from .progress import Progress

    progress = Progress("génération")
    path = out_dir / "practitioners.jsonl"

    def counted(practitioners):
        for number, practitioner in enumerate(practitioners, start=1):
            progress.update(number)
            yield practitioner

    written = write_jsonl(counted(generate_population(load_reference(), size, seed)), path)
    progress.finish()
    click.echo(f"{written} praticiens fictifs (données de démonstration) écrits dans {path}")


@main.command(help="Charge des fichiers de praticiens dans le backend (remplacement atomique de l'index).")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--backend", "backend_url", help="sqlite://CHEMIN ou http(s)://HÔTE:PORT (défaut : ANNUAIRE_BACKEND)")
@click.option("--demo/--no-demo", default=False, help="marquer l'index comme données de démonstration")
@click.option("--data-date", help="date des données (défaut : aujourd'hui, ou « démonstration »)")
@click.option("--if-empty", is_flag=True, help="ne rien faire si le backend contient déjà un index")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              help="fichier du rapport des lignes rejetées (défaut : à côté du premier fichier)")
def index(files: tuple[Path, ...], backend_url: str | None, demo: bool, data_date: str | None, if_empty: bool,
          rejects_path: Path | None) -> None:
    from .jsonl_format import JsonlReader, parse_jsonl_rows
    from .pipeline import load
    from .progress import Progress

    backend, _ = _backend_from(backend_url)
    if if_empty:
        try:
            if backend.info().documents > 0:
                click.echo(f"index déjà présent ({backend.info().documents} praticiens) : rien à faire")
                return
        except BackendUnavailable:
            pass
    if not files:
        raise click.UsageError("aucun fichier à indexer")
    readers = [JsonlReader(path) for path in files]
    progress = Progress("indexation", fraction=lambda: sum(r.position for r in readers) / max(1, sum(r.size for r in readers)))

    def items():
        for reader in readers:
            yield from parse_jsonl_rows(reader.rows(), source=reader.path.name)

    try:
        info, report = load(items(), backend, data_date=data_date or ("démonstration" if demo else date.today().isoformat()),
                            demo=demo, on_read=progress.update)
    except BackendUnavailable as error:
        raise click.ClickException(f"backend indisponible : {error}") from error
    elapsed = progress.finish()
    report_path = report.write_rejects(rejects_path or files[0].with_suffix(".rejets.csv"))
    for line in report.summary_lines():
        click.echo(line)
    click.echo(f"durée                  {elapsed:>10.1f} s ({report.read / max(elapsed, 1e-9):,.0f} lignes/s)".replace(",", " "))
    click.echo(f"rapport des rejets : {report_path}")
    click.echo(f"index en service : {info.documents} praticiens")


@main.command(help="Sert l'API et les pages (serveur de développement ; gunicorn en production).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    from api.app import create_app

    app = create_app()
    click.echo(f"Annuaire sur http://{host}:{port}/ (backend : {app.config['ANNUAIRE'].backend})")
    app.run(host=host, port=port, threaded=True)


if __name__ == "__main__":
    sys.exit(main())
