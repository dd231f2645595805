"""Street addresses by value: a house number and a street type, in several languages.

There is no checksum for an address, so this is a context rule: the shape
must be whole ('12 Oak Street, Springfield' or 'Calle Mayor 5, 3º'), and a
column counts only when most of its values have it.  Whether an address is a
home or an office is the policy's question (profile columns, names beside it).
"""
from __future__ import annotations

import re

_EN_TYPES = (r'street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|'
             r'place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|'
             r'crescent|cres|close|grove|gardens|mews|row|hill|walk|loop|pike|alley|plaza|'
             r'point|ridge|run|path|pass|park|view|heights|hts')
_UNIT = r'(?:\s*,?\s*(?:apt|apartment|suite|ste|unit|#|flat|fl|floor|room|rm)\.?\s*[\w-]+)?'
_TAIL = r'(?:\s*,.*|\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?'

_PATTERNS = (
    # 1600 Pennsylvania Ave NW, Washington, DC 20500 / 12B Oak Street, Apt 4
    rf'\d{{1,6}}[a-z]?(?:-\d{{1,4}})?,?\s+(?:[nsew]\.?\s+)?(?:[\w\'.-]+\s+){{0,4}}'
    rf'(?:{_EN_TYPES})\.?(?:\s+(?:n|s|e|w|ne|nw|se|sw)\.?)?{_UNIT}{_TAIL}',
    # Calle Mayor 5, 3º / Rua das Flores, 120 / Via Roma 10 / Avenida Paulista 1578
    r'(?:calle|c/|avenida|avda\.?|av\.|paseo|plaza|camino|carrera|rua|travessa|praça|praca|'
    r'alameda|estrada|via|viale|piazza|corso|largo|vicolo)\s+[^\d,]{2,60},?\s*(?:n[º°o.]?\s*)?'
    r'\d{1,5}[a-z]?(?:\s*[,-].*)?',
    # 12 rue de la Paix / 5 bis, avenue Foch
    r'\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|place|'
    r'impasse|quai|route|cours|square)\s+.{2,80}',
    # Hauptstraße 12 / Kerkstraat 5 / Lindenweg 3a
    r'[^\W\d_][\w.-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|'
    r'straat|laan|plein|gracht|kade|dreef|singel)\s+\d{1,4}\s?[a-z]?(?:\s*[,-].*)?',
)
_ADDRESS = re.compile('|'.join(f'(?:{p})' for p in _PATTERNS), re.IGNORECASE)


def looks_like_street_address(value: str) -> bool:
    """True for a whole street address; False for '12 apples', 'Room 5', '2020 Annual Report'."""
    text = value.strip()
    if not 6 <= len(text) <= 160 or not any(ch.isdigit() for ch in text):
        return False
    return _ADDRESS.fullmatch(text) is not None
