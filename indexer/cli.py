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


@main.command(help="Écrit une population synthétique de démonstration (noms fictifs, communes réelles), "
                   "en JSON Lines et/ou dans les formats réels (extrait RPPS, export ameli).")
@click.option("--size", type=click.IntRange(1), default=50_000, show_default=True,
              help="nombre de praticiens (personne × lieu d'exercice)")
@click.option("--seed", type=int, default=2026, show_default=True, help="graine (même graine, mêmes données)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="dossier de sortie")
@click.option("--format", "formats", default="jsonl", show_default=True, metavar="FORMATS",
              help="liste séparée par des virgules parmi jsonl, rpps, ameli")
@click.option("--rpps-columns", type=click.Choice(["56", "52"]), default="56", show_default=True,
              help="mise en page de l'extrait RPPS : 56 colonnes (depuis 2025) ou 52 (ancienne)")
def generate(size: int, seed: int, out_dir: Path, formats: str, rpps_columns: str) -> None:
    from geodata.reference import load_reference

    from .ameli_format import AmeliWriter
    from .generator import generate_population
    from .progress import Progress
    from .rpps_format import RppsWriter
    from .source_generator import write_sources

    wanted = [name.strip().lower() for name in formats.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {"jsonl", "rpps", "ameli"})
    if unknown or not wanted:
        raise click.BadParameter(f"formats inconnus : {', '.join(unknown) or '(aucun)'} (jsonl, rpps, ameli)",
                                 param_hint="--format")
    reference = load_reference()
    progress = Progress("génération")
    paths = {"jsonl": out_dir / "practitioners.jsonl",
             "rpps": out_dir / "PS_LibreAcces_Personne_activite_synthetique.txt",
             "ameli": out_dir / "liste-ps-synthetique.csv"}
    out_dir.mkdir(parents=True, exist_ok=True)
    rpps_writer = RppsWriter(paths["rpps"], int(rpps_columns)) if "rpps" in wanted else None
    ameli_writer = AmeliWriter(paths["ameli"]) if "ameli" in wanted else None
    jsonl_handle = paths["jsonl"].open("w", encoding="utf-8") if "jsonl" in wanted else None
    try:
        result = write_sources(generate_population(reference, size, seed), seed, rpps_writer=rpps_writer,
                               ameli_writer=ameli_writer, jsonl_handle=jsonl_handle, on_row=progress.update,
                               postal_codes=reference.postal_codes)
    finally:
        for handle in (rpps_writer, ameli_writer, jsonl_handle):
            if handle is not None:
                handle.close()
    progress.finish()
    written = {"jsonl": result.jsonl_rows, "rpps": result.rpps_rows, "ameli": result.ameli_rows}
    for name in wanted:
        click.echo(f"{written[name]} lignes {name} (données fictives de démonstration) écrites dans {paths[name]}")
    if "rpps" in wanted or "ameli" in wanted:
        for label, count in sorted(result.counts.items()):
            click.echo(f"  · {label} : {count}")


def _parse_source(text: str) -> tuple[str, Path]:
    from .sources import FORMATS

    kind, separator, path = text.partition("=")
    if not separator or kind.strip().lower() not in FORMATS or not path:
        raise click.BadParameter(f"attendu FORMAT=FICHIER avec FORMAT parmi {', '.join(FORMATS)} : {text!r}",
                                 param_hint="--source")
    return kind.strip().lower(), Path(path)


def _open_sources(files: tuple[Path, ...], sources: tuple[str, ...]):
    """Every file checked before anything is loaded (raises SourceError)."""
    from . import ameli_format, rpps_format
    from .sources import AMELI, RPPS, SourceError, open_source

    opened = [open_source(path, kind) for kind, path in (_parse_source(text) for text in sources)]
    opened += [open_source(path) for path in files]
    for source in opened:
        check = {RPPS: rpps_format.header_problem, AMELI: ameli_format.header_problem}.get(source.kind)
        problem = check(source.header) if check else None
        if problem:
            raise SourceError(f"{source.name} : en-tête {source.kind} inattendu ({problem})")
    for kind in (RPPS, AMELI):
        if sum(source.kind == kind for source in opened) > 1:
            raise SourceError(f"un seul fichier {kind} par chargement (ils sont fusionnés)")
    return opened


def _clear(progress) -> None:
    """Wipe the progress line, so that an error message stands on a line of its own."""
    progress.stream.write("\r" + " " * 78 + "\r")
    progress.stream.flush()


def _fail(message: str) -> None:
    click.echo(f"erreur : {message}", err=True)
    raise SystemExit(1)


@main.command(help="Charge des fichiers de praticiens dans le backend (remplacement atomique de l'index). "
                   "FILES : fichiers dont le format (RPPS, ameli, JSON Lines) est reconnu à l'en-tête ; "
                   "ou --source rpps=FICHIER --source ameli=FICHIER, fusionnés.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", "sources", multiple=True, metavar="FORMAT=FICHIER",
              help="fichier d'un format donné : rpps=PS_LibreAcces_Personne_activite_….txt, ameli=liste-ps-….csv, "
                   "jsonl=….jsonl (répétable)")
@click.option("--backend", "backend_url", help="sqlite://CHEMIN ou http(s)://HÔTE:PORT (défaut : ANNUAIRE_BACKEND)")
@click.option("--demo/--no-demo", default=False, help="marquer l'index comme données de démonstration")
@click.option("--data-date", help="date des données (défaut : aujourd'hui, ou « démonstration »)")
@click.option("--if-empty", is_flag=True, help="ne rien faire si le backend contient déjà un index")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              help="fichier du rapport des lignes rejetées (défaut : à côté du premier fichier)")
def index(files: tuple[Path, ...], sources: tuple[str, ...], backend_url: str | None, demo: bool,
          data_date: str | None, if_empty: bool, rejects_path: Path | None) -> None:
    from collections import Counter

    from geodata.geocoding import make_geocoder
    from geodata.reference import load_reference

    from .load_summary import StreamingReport, summary_lines
    from .merge import SourceLoad
    from .pipeline import accepted
    from .progress import Progress
    from .sources import SourceError
    from .transform import Transform

    backend, settings = _backend_from(backend_url)
    if if_empty:
        try:
            if backend.info().documents > 0:
                click.echo(f"index déjà présent ({backend.info().documents} praticiens) : rien à faire")
                return
        except BackendUnavailable:
            pass
    if not files and not sources:
        raise click.UsageError("aucun fichier à indexer")
    try:
        opened = _open_sources(files, sources)
    except SourceError as error:
        _fail(str(error))
    reference = load_reference(settings.geodata_dir)
    geocoder = make_geocoder(reference, settings.ban_url, Path(settings.geocode_cache))
    load = SourceLoad(opened, Transform(reference, geocoder))
    progress = Progress("indexation", fraction=load.fraction)
    load.on_row = progress.update
    report = StreamingReport(rejects_path or opened[0].path.with_suffix(".rejets.csv"))
    precisions: Counter = Counter()

    def practitioners():
        for practitioner in accepted(load.items(), report):
            precisions[practitioner.location.precision] += 1
            yield practitioner
        if report.indexed == 0:
            raise NothingToIndex()

    try:
        info = backend.replace_all(practitioners(), data_date=data_date or ("démonstration" if demo else
                                                                             date.today().isoformat()), demo=demo)
    except BackendUnavailable as error:
        report.close()
        _clear(progress)
        _fail(f"backend indisponible : {error}")
    except NothingToIndex:
        report.close()
        _clear(progress)
        _fail(f"aucune ligne valide sur {load.stats.rows} lues : l'index en service est conservé "
              f"(motifs dans {report.path})")
    finally:
        close = getattr(geocoder, "close", None)
        if close is not None:
            close()
    elapsed = progress.finish()
    report.duplicates += load.stats.source_duplicates
    report_path = report.close()
    for line in summary_lines(report, load.stats, precisions):
        click.echo(line)
    click.echo(f"durée                  {elapsed:>10.1f} s ({load.stats.rows / max(elapsed, 1e-9):,.0f} lignes/s)"
               .replace(",", " "))
    click.echo(f"rapport des rejets : {report_path}")
    click.echo(f"index en service : {info.documents} praticiens")


class NothingToIndex(Exception):
    """Every row was rejected: the live index is kept rather than replaced by an empty one."""


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
