"""Annuaire HTTP API (Flask). Use :func:`api.app.create_app`."""
