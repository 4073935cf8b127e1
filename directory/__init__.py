"""Annuaire core: domain model, nomenclatures, text normalization and search backends."""
