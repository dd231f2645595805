"""Street addresses by value: a house number and a street type, in several languages.

There is no checksum for an address, so this is a context rule: the shape
must be whole ('12 Oak Street, Springfield' or 'Calle Mayor 5, 3º'), and a
column counts only when most of its values have it.  Whether an address is a
home or an office is the policy's question (profile columns, names beside it).
"""
from __future__ import annotations

import re

# USPS street suffixes (Publication 28, appendix C1), full and abbreviated, and the UK's
_EN_TYPES = '|'.join(sorted(set("""
alley aly allee anex annex arcade arc avenue ave av bayou byu beach bch bend bnd bluff blf bluffs
bottom btm boulevard blvd branch br bridge brg brook brk brooks burg bg burgs bgs bypass byp camp
cp canyon cyn cape cpe causeway cswy center ctr centre centers circle cir circles cirs cliff clf
cliffs clfs club clb common cmn commons corner cor corners cors course crse court ct courts cts
cove cv coves creek crk crescent cres crest crst crossing xing crossroad xrd curve curv dale dl
dam dm divide dv drive dr drives drs estate est estates ests expressway expy extension ext
extensions exts fall falls fls ferry fry field fld fields flds flat flt flats flts ford frd fords
forest frst forge frg forges fork frk forks frks fort ft freeway fwy garden gdn gardens gdns
gateway gtwy glen gln glens green grn greens grove grv groves harbor hbr harbour haven hvn heights
hts highway hwy hill hl hills hls hollow holw inlet inlt island is islands iss isle junction jct
junctions key ky keys kys knoll knl knolls lake lk lakes lks land landing lndg lane ln light lgt
lights lgts loaf lf lock lck locks lcks lodge ldg loop mall manor mnr manors mnrs meadow mdw
meadows mdws mews mill ml mills mls mission msn motorway mtwy mount mt mountain mtn mountains
neck nck orchard orch oval park parks parkway pkwy pass passage psge path pike pine pne pines pnes
place pl plain pln plains plns plaza plz point pt points pts port prt ports prts prairie pr
radial radl ranch rnch rapid rpd rapids rpds rest rst ridge rdg ridges rdgs river riv road rd
roads rds route rte row rue run shoal shl shoals shls shore shr shores shrs skyway skwy spring spg
springs spgs spur spurs square sq squares sqs station sta stravenue stra stream strm street st
streets sts summit smt terrace ter throughway trwy trace trce track trak trafficway trfy trail trl
trailer trlr tunnel tunl turnpike tpke underpass upas union un unions uns valley vly valleys vlys
viaduct via view vw views vws village vlg villages vlgs ville vl vista vis walk walks wall way wy
ways well wl wells wls close grove gardens parade rise wynd
""".split())))
_UNIT = r'(?:\s*,?\s*(?:apt|apartment|suite|ste|unit|#|flat|fl|floor|room|rm)\.?\s*[\w-]+)?'
_TAIL = r'(?:\s*,.*|\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?'

_PATTERNS = (
    # 1600 Pennsylvania Ave NW, Washington, DC 20500 / 12B Oak Street, Apt 4
    rf'\d{{1,6}}[a-z]?(?:-\d{{1,4}})?,?\s+(?:[nsew]\.?\s+)?(?:[\w\'.-]+\s+){{0,4}}'
    rf'(?:{_EN_TYPES})s?\.?(?:\s+(?:n|s|e|w|ne|nw|se|sw)\.?)?{_UNIT}{_TAIL}',
    # Calle Mayor 5, 3º / Rua das Flores, 120 / Via Roma 10 / Avenida Paulista 1578
    r'(?:calle|c/|avenida|avda\.?|av\.|paseo|pasaje|plaza|camino|carrera|ronda|glorieta|'
    r'callejón|callejon|cañada|eje vial|circuito|cerrada|privada|prolongación|andador|'
    r'rua|travessa|praça|praca|alameda|estrada|jardim|largo|rodovia|avenue|boulevard|'
    r'via|viale|piazza|corso|vicolo|strada|contrada|borgo|piazzale|pasadizo|pátio|patio|lago|'
    r'ladeira|vila|quadra|setor|rampa|passeio|beco|viela|parque|stradone|lungomare|vico)'
    r'\s+[^\d,]{2,60},?\s*(?:n[º°o.]?\s*)?'
    r'\d{1,5}[a-z]?(?:[\s,/-].*)?',
    # 12 rue de la Paix / 5 bis, avenue Foch
    r'\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|place|'
    r'impasse|quai|route|cours|square)\s+.{2,80}',
    # Hauptstraße 12 / Kerkstraat 5 / Lindenweg 3a
    r'[^\W\d_][\w.-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|'
    r'straat|laan|plein|gracht|kade|dreef|singel|pad|hof|dijk|boulevard|markt|steeg|'
    r'park|plantsoen|weide|veld)\s+\d{1,4}\s?[a-z]?(?:[/-]\d{1,4})?(?:\s*[,-].*)?',
)
_ADDRESS = re.compile('|'.join(f'(?:{p})' for p in _PATTERNS), re.IGNORECASE)


def looks_like_street_address(value: str) -> bool:
    """True for a whole street address; False for '12 apples', 'Room 5', '2020 Annual Report'.

    A postal address spans lines (street, town, postcode): one of its first two
    lines must be a street line.
    """
    text = value.strip()
    if not 6 <= len(text) <= 200 or not any(ch.isdigit() for ch in text):
        return False
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return any(_ADDRESS.fullmatch(line) is not None for line in lines[:2])
