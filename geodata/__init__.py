"""Reference geography: communes, postal codes, départements, CPAM caisses, place suggestions, geocoding.

Use :func:`geodata.reference.load_reference`; nothing is read at import.
"""
from geodata.reference import Commune, Reference, load_reference

__all__ = ["Commune", "Reference", "load_reference"]
