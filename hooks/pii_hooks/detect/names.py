"""Person names by value: given names and surnames from public frequency lists.

A column whose values are mostly ``Given Surname`` pairs is a column of people
whatever its header says.  ``data/names.txt.gz`` (built by
``benchmarks/build_names.py`` from US Census, Tzioumis and nam_dict lists, never
from Faker or mimesis) holds folded tokens in sections: ``g`` given name, ``f``
family name, ``w`` common word, ``p`` name-word that counts as a name, ``c`` Chinese
and ``k`` Korean surname.

A value is judged by its tokens.  Each is a *name* (in a name list, not a common
word: 'Garcia'), a *name-word* (in both: 'Rose', 'Will', 'Brown'), a *word* (only
a common word: 'Heights', 'Widget', 'Manager'), *unknown* ('Wieloch'), or
*neutral* (initials, particles like 'van', honorifics, 'Jr.').  One word makes the
value something else ('Jackson Heights', 'Green Tea'); otherwise it needs a name,
or two name-words ('Rose Brown'), and no more unknown tokens than known ones.
"""
from __future__ import annotations

import functools
import gzip
import importlib.resources
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

_FOLD = str.maketrans({'đ': 'd', 'ł': 'l', 'ø': 'o', 'æ': 'ae', 'œ': 'oe', 'ı': 'i',
                       'þ': 'th', 'ð': 'd', "'": '', '’': '', '.': ''})
#: A name token: letters, with inner apostrophes or hyphens (O'Brien, García-López).
_TOKEN = re.compile(r"^[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?$")
#: Characters no written name holds: digits, '@', '/', '&', brackets, '_', ':'...
_NOT_A_NAME = re.compile(r"[^\w\s,.'’\-]|[\d_]")
_SPLIT = re.compile(r'[\s,]+')
#: Surnames no one mistakes for a word: O'Brien, D'Angelo, McAllister, MacDonald.
_SURNAME_SHAPE = re.compile(r"^(?:[OD]['’][A-Z]|Ma?c[A-Z])")
_HAN = re.compile(r'^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$')
# '鈴木 太郎', '鈴木, 太郎': a Japanese family name, a space or comma, a given name in kanji or kana
#: Two Japanese words: kanji (with the repeat mark 々, as in 佐々木) or kana.
_JAPANESE = re.compile(r'^([\u3040-\u30ff\u3005\u4e00-\u9fff]{1,4})(?:[ \u3000]|,\s*|、)'
                       r'([\u3040-\u30ff\u3005\u4e00-\u9fff]{1,4})$')
#: Endings of Japanese places, offices and businesses: '横浜 市役所' is no '直人 吉田'.
_JAPANESE_PLACE_ENDS = frozenset('市区町村県都府道郡社店館院校駅部課局所園寺宮庁署')
_HANGUL = re.compile(r'^[\uac00-\ud7a3]{2,4}$')
_DEVANAGARI = re.compile(r'[\u0900-\u097f]')
#: Endings of Chinese and Korean place and organisation names: 北京市, 서울시.
_HAN_PLACE_ENDS = frozenset('市省县区镇乡村路街道里巷厂店局院所站港湖山河'
                            '州府园楼馆校部司行社会队组团')
_HANGUL_PLACE_ENDS = frozenset('시도군구읍면동리로길역산강섬원관교회국청과부당실')

PARTICLES = frozenset({'de', 'da', 'das', 'do', 'dos', 'del', 'della', 'delle', 'dei', 'degli',
                       'der', 'den', 'di', 'du', 'des', 'van', 'von', 'vom', 'zu', 'la', 'le',
                       'lo', 'y', 'e', 'bin', 'binti', 'bint', 'ibn', 'ben', 'al', 'el', 'ter',
                       'ten', 'op', 'het', 'af', 'av', 'st', 'mac', 'ap', 'abu', 'bou'})
#: Particles that open a surname ('De Luca', 'Van Dyke', 'Lê'), unlike 'La' ('La Paz').
_SURNAME_PARTICLES = frozenset({'de', 'di', 'da', 'van', 'von', 'le', 'du', 'del', 'della',
                                'dos', 'das', 'do', 'ter', 'ten', 'den', 'der', 'mac', 'bin',
                                'ibn', 'abu'})
#: Titles before a name ('Dr.', 'Mme', 'pan', 'Quý ông', 'Shri').
HONORIFICS = frozenset({'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir',
                        'dame', 'lady', 'lord', 'rev', 'fr', 'hon', 'sr', 'sra', 'srta', 'don',
                        'dona', 'm', 'mm', 'mme', 'mlle', 'herr', 'frau', 'dott', 'dottssa',
                        'sig', 'sigra', 'ing', 'avv', 'pan', 'pani', 'panna', 'co', 'ong', 'ba',
                        'quy', 'chi', 'anh', 'shri', 'sri', 'smt', 'shrimati', 'kumari', 'sushri',
                        'univprof', 'dipl-ing', 'dr-ing', 'diplom',
                        # Hindi, romanised: 'संमानित', 'माननीय', 'सम्मानसूचक', 'आदरवाचक'
                        'sanmanit', 'sammanit', 'mananiy', 'mananiya', 'sammanasuchak',
                        'sammanatmak', 'adaravachak', 'adarasuchak', 'dhr', 'mevr', 'mw',
                        'sheikh', 'sayyid'})
#: Letters after a name ('Jr.', 'MBA', 'B.Sc.').
SUFFIXES = frozenset({'jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'mba', 'bsc', 'msc', 'ba',
                      'ma', 'beng', 'meng', 'llm', 'llb', 'jd', 'dds', 'rn', 'esq', 'cpa', 'mph',
                      'dipl', 'mag', 'hijo', 'filho', 'neto', 'junior', 'jnr', 'snr'})

NAME, GIVEN_WORD, NAME_WORD, WORD, UNKNOWN = 'name', 'given-word', 'name-word', 'word', 'unknown'
RARE_NAME_WORD = 'rare-name-word'
_RANK = {NAME: 0, GIVEN_WORD: 1, NAME_WORD: 2, UNKNOWN: 3, RARE_NAME_WORD: 4, WORD: 5}


#: Queries a token list answers by binary search before it builds its set.
_BISECT_QUERIES = 512


class Tokens:
    """A sorted token list: ``token in tokens``.

    The first queries are answered by binary search over the list's text, so a
    scan decided by its first rows never builds the sets (~25 ms for all lists);
    once queries add up, a frozenset answers them (50 ns a query, not 5 us).
    """

    __slots__ = ('_found', '_queries', '_text')

    def __init__(self, tokens: str) -> None:
        """``tokens``: one token a line, sorted by code point (as build_names.py writes)."""
        self._text = '\n' + tokens.strip('\n') + '\n'
        self._found: frozenset[str] | None = None
        self._queries = 0

    def __contains__(self, token: object) -> bool:
        found = self._found
        if found is not None:
            return token in found
        if not isinstance(token, str) or not token or '\n' in token:
            return False
        self._queries += 1
        if self._queries > _BISECT_QUERIES:
            # the text stays: a thread that saw no set yet searches it meanwhile
            found = self._found = frozenset(self._text.split('\n')) - {''}
            return token in found
        return _bisect(self._text, token)

    def __iter__(self) -> Iterator[str]:
        return iter(self._found if self._found is not None
                    else (t for t in self._text.split('\n') if t))


def _bisect(text: str, token: str) -> bool:
    """Is ``token`` a line of ``text`` ('\\n' + sorted lines + '\\n')?"""
    lo, hi = 0, len(text) - 1         # text[lo] and text[hi] are line breaks
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.rfind('\n', lo, mid + 1)
        end = text.find('\n', start + 1)
        line = text[start + 1:end]
        if line == token:
            return True
        if line < token:
            lo = end
        else:
            hi = start
    return False


class NameLists(NamedTuple):
    given: Tokens
    family: Tokens
    words: Tokens
    popular: Tokens             # names that are also words, but popular names ('rose')
    chinese: frozenset[str]
    korean: frozenset[str]


def fold(token: str) -> str:
    """'García' -> 'garcia', 'Đặng' -> 'dang', "O'Brien" -> 'obrien', 'Müller' -> 'muller'."""
    text = token.casefold().translate(_FOLD)
    return ''.join(ch for ch in unicodedata.normalize('NFKD', text)
                   if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1)
def lists() -> NameLists:
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/names.txt.gz').read_bytes()
    kinds: dict[str, str] = {}
    for section in gzip.decompress(raw).decode('utf-8').split('\n@')[1:]:
        kind, _, body = section.partition('\n')
        kinds[kind] = body

    def small(kind: str) -> frozenset[str]:
        return frozenset(kinds.get(kind, '').split('\n')) - {''}

    return NameLists(Tokens(kinds.get('g', '')), Tokens(kinds.get('f', '')),
                     Tokens(kinds.get('w', '')), Tokens(kinds.get('p', '')),
                     small('c'), small('k'))


def token_kind(folded: str) -> str:
    """NAME, GIVEN_WORD, NAME_WORD, WORD or UNKNOWN for one folded token.

    A hyphenated token ('garcia-lopez') takes the kind of its most name-like piece.
    """
    found = lists()
    best = ''
    for piece in folded.split('-'):
        given = piece in found.given
        named = given or piece in found.family
        if named and piece not in found.words:
            return NAME
        if named and piece in found.popular:
            kind = GIVEN_WORD if given else NAME_WORD
        elif named:     # a word that some people bear: 'Garden', 'Honey', 'Blanca'
            kind = RARE_NAME_WORD
        else:
            kind = WORD if piece in found.words else UNKNOWN
        if not best or _RANK[kind] < _RANK[best]:
            best = kind
    return best or UNKNOWN


@functools.lru_cache(maxsize=16384)     # a column's name sample repeats its few values
def looks_like_name(value: str) -> bool:
    """True for 'Jane Doe', 'DOE, Jane', 'María José García-López', 'J. Smith', '王秀英';
    False for 'Blue Widget', 'Jackson Heights', 'Senior Engineer', 'ACME-42'."""
    text = value.strip()
    if not 2 <= len(text) <= 80:
        return False
    if _HAN.match(text):
        return _han_name(text)
    japanese = _JAPANESE.match(text)
    if japanese:
        first, last = japanese.groups()
        surnames = _japanese_surnames()
        # family name first ('鈴木 太郎'), or given name first as Western forms ask ('太郎 鈴木')
        return first in surnames or (last in surnames and first[-1] not in _JAPANESE_PLACE_ENDS
                                     and last[-1] not in _JAPANESE_PLACE_ENDS)
    if _HANGUL.match(text):
        return _hangul_name(text)
    if _DEVANAGARI.search(text):
        return _devanagari_name(text)
    if _NOT_A_NAME.search(text) or text.count(',') > 1:
        return False
    tokens = [t for t in _SPLIT.split(text) if t]
    return _judge(tokens, shout=text.upper() == text)


def _judge(tokens: list[str], *, shout: bool, cased: bool = True) -> bool:
    titled = False
    while len(tokens) > 1 and fold(tokens[0]) in HONORIFICS:
        tokens = tokens[1:]
        titled = True
    while len(tokens) > 1 and fold(tokens[-1]) in SUFFIXES:
        tokens = tokens[:-1]
    if not 1 <= len(tokens) <= 8:
        return False
    counts = dict.fromkeys(_RANK, 0)
    initials = 0
    single = ''
    # 'Lê Văn Tâm', 'De Luca', 'Van Dyke': a capitalised particle first is a surname
    lead_particle = (len(tokens) > 1 and tokens[0][:1].isupper()
                     and fold(tokens[0]) in _SURNAME_PARTICLES)
    for token in tokens:
        folded = fold(token)
        if len(folded) == 1 and (token[0].isupper() or not cased):
            initials += 1           # 'J.' in 'J. Smith'
            continue
        if folded in PARTICLES:
            continue
        if cased and not _cased_name_token(token):
            return False            # a lower-case word ('and', 'sur'), or not a word at all
        single = folded
        counts[token_kind(folded)] += 1
    named, given_word, both = counts[NAME], counts[GIVEN_WORD], counts[NAME_WORD]
    rare, unknown = counts[RARE_NAME_WORD], counts[UNKNOWN]
    content = sum(counts.values())
    if counts[WORD] or not 1 <= content <= 6:
        return False
    if content == 1:
        # One word alone is a person only as a given name or an unmistakable surname: a
        # lone surname is as often a town ('Burgos'), a firm ('Fonseca', 'Smith-Myers').
        if shout or '-' in single:
            return False
        lone = named == 1 and (_SURNAME_SHAPE.match(tokens[-1]) is not None or (
            single in lists().given and single not in lists().family))
        return lone or (named + given_word + both == 1 and (initials > 0 or titled
                                                             or (lead_particle and not shout)))
    strong = named + given_word + both
    # a given name first ('Giuseppe Verdi', 'VERDI, Giuseppe') outweighs one word-name
    lead = tokens[-1] if ',' in ''.join(tokens[:-1]) else tokens[0]
    lead_given = _RANK.get(token_kind(fold(lead)), 9) == 0 and fold(lead) in lists().given
    if unknown > strong or rare > strong or (rare == strong and not lead_given):
        return False            # 'Red Stapler', 'Golden Apple': words some people bear
    # a given name that is also a word ('Angelo', 'Mason') still opens a name
    return named >= 1 or given_word >= 1 or both >= 2 or (both == 1 and (initials > 0 or titled))


def _cased_name_token(token: str) -> bool:
    """'Garcia', "O'Brien", 'García-López', 'Gemen-de' yes; 'and', 'Denis-sur-Hubert' no."""
    if not _TOKEN.match(token) or not token[0].isupper():
        return False
    pieces = token.rstrip('.').split('-')
    return all(p[:1].isupper() or fold(p) in PARTICLES for p in pieces)


def _han_name(text: str) -> bool:
    """Chinese names are written without spaces: a surname and one or two characters."""
    found = lists()
    if text[-1] in _HAN_PLACE_ENDS:
        return False
    return text[0] in found.chinese or (len(text) >= 3 and text[:2] in found.chinese)


@functools.lru_cache(maxsize=1)
def _japanese_surnames() -> frozenset[str]:
    raw = importlib.resources.files('pii_hooks.detect').joinpath(
        'data/japanese_surnames.txt').read_text(encoding='utf-8')
    return frozenset(word for line in raw.splitlines() if not line.startswith('#')
                     for word in line.split())


def _hangul_name(text: str) -> bool:
    found = lists()
    if text[-1] in _HANGUL_PLACE_ENDS or len(text) > 4:
        return False
    return text[0] in found.korean or (len(text) >= 3 and text[:2] in found.korean)


# --- Devanagari: romanised, then judged as any other name ---------------------------------

_DEV_CONSONANTS = dict(zip(
    'कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहळ',
    ('k', 'kh', 'g', 'gh', 'n', 'ch', 'chh', 'j', 'jh', 'n', 't', 'th', 'd', 'dh', 'n', 't', 'th',
     'd', 'dh', 'n', 'p', 'ph', 'b', 'bh', 'm', 'y', 'r', 'l', 'v', 'sh', 'sh', 's', 'h', 'l'),
    strict=True))
_VOWEL_SOUNDS = ('a', 'a', 'i', 'i', 'u', 'u', 'ri', 'e', 'ai', 'o', 'au', 'e', 'o')
_DEV_VOWELS = dict(zip('अआइईउऊऋएऐओऔऍऑ', _VOWEL_SOUNDS, strict=True))
_DEV_SIGNS = dict(zip('ािीुूृेैोौॅॉ', _VOWEL_SOUNDS[1:], strict=True))
_VIRAMA, _NUKTA, _ANUSVARA = '\u094d', '\u093c', '\u0902'
_DEV_HONORIFIC_SUFFIX = 'जी'
_ALL_DEVANAGARI = re.compile(r'^[\u0900-\u097f\u200c\u200d’]+$')


def romanise_devanagari(word: str) -> tuple[str, ...]:
    """'शर्मा' -> ('sharma', ...), 'चोपरा' -> (..., 'chopra', ...): spellings to look up.

    Hindi drops many inherent vowels ('राहुल' rahul, 'चोपरा' chopra) and romanisations
    vary ('tiwari'/'tivari', 'reddy'/'reddi'), so a few spellings are tried.
    """
    word = word.replace('\u200d', '').replace('\u200c', '').replace('’', '')
    bases = [word]
    if len(word) > 3 and word.endswith(_DEV_HONORIFIC_SUFFIX):
        bases.append(word[:-len(_DEV_HONORIFIC_SUFFIX)])   # the respectful '-ji'
    out: dict[str, None] = {}
    for base in bases:
        units = _dev_units(base)
        for drop_medial in (False, True):
            spelled = _dev_spell(units, drop_medial)
            for final in (spelled.rstrip('@'), spelled.replace('@', 'a')):
                final = final.replace('@', '' if drop_medial else 'a')
                for variant in (final, final.replace('v', 'w'),
                                final[:-1] + 'y' if final.endswith('i') else final):
                    out[variant] = None
    return tuple(out)


def _dev_units(word: str) -> list[tuple[str, str | None]]:
    """(consonant or vowel letters, vowel sign) pairs; sign None: the inherent 'a'."""
    units: list[tuple[str, str | None]] = []
    for i, ch in enumerate(word):
        if ch == _NUKTA:
            continue
        if ch in _DEV_CONSONANTS:
            units.append((_DEV_CONSONANTS[ch], None))
        elif ch in _DEV_SIGNS and units:
            units[-1] = (units[-1][0], _DEV_SIGNS[ch])
        elif ch == _VIRAMA and units:
            units[-1] = (units[-1][0], '')
        elif ch in _DEV_VOWELS:
            units.append(('', _DEV_VOWELS[ch]))
        elif ch in (_ANUSVARA, '\u0901') and units:
            following = word[i + 1:i + 2]
            nasal = 'ng' if following == 'ह' or not following else 'n'
            letters, sign = units[-1]
            units[-1] = (letters, ('a' if sign is None else sign) + nasal)
        elif ch == '\u0903' and units:
            letters, sign = units[-1]
            units[-1] = (letters, ('a' if sign is None else sign) + 'h')
    return units


def _dev_spell(units: list[tuple[str, str | None]], drop_medial: bool) -> str:
    """Letters with '@' for an inherent vowel that Hindi may drop, 'a' where it is kept."""
    out = []
    last = len(units) - 1
    for i, (letters, sign) in enumerate(units):
        out.append(letters)
        if sign is not None:
            out.append(sign)
            continue
        after_cluster = i > 0 and units[i - 1][1] == ''
        if i == last:
            out.append('a' if after_cluster else '@')     # 'आदित्य' aditya, 'राहुल' rahul
        elif (drop_medial and i > 0 and units[i - 1][1] not in ('', None)
              and units[i + 1][0] and units[i + 1][1] not in ('', None)):
            out.append('@')                                # 'चोपरा' chop(a)ra
        else:
            out.append('a')
    return ''.join(out)


def _devanagari_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or not all(_ALL_DEVANAGARI.match(w) for w in words):
        return False
    spelled: list[str] = []
    for word in words:
        options = romanise_devanagari(word)
        if not spelled and len(words) > 1 and any(o in HONORIFICS for o in options):
            continue                # 'श्री', 'माननीय'
        best = min(options, key=lambda o: _RANK[token_kind(o)])
        spelled.append(best.capitalize())
    return bool(spelled) and _judge(spelled, shout=False)
