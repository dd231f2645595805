"""pii-hooks' value detectors as detect-secrets plugins.

detect-secrets loads custom plugins from a file path::

    detect-secrets scan --plugin "$(python -m pii_hooks.detect_secrets_plugin)" people.csv

(``python -m pii_hooks.detect_secrets_plugin`` prints this file's path; the
baseline then lists each plugin with ``path: file://...``).  pii-hooks must be
installed where detect-secrets runs (in pre-commit: ``additional_dependencies:
[pii-hooks]``).

Each plugin is one finding category; every value is confirmed by
``pii_hooks.detect.values.classify_value`` (checksums, header context), so
these plugins improve with the detectors.  Header context: in a CSV/TSV the
column header (found where it is, not assumed on line 1) is the context of
each cell; elsewhere a ``key: value`` / ``key = value`` pair gives it.

What a plugin reports as the "secret" is the category and the *masked* value
(``ssn:***-**-6789``), never the value itself, because detect-secrets stores
an unsalted SHA-1 of the secret in ``.secrets.baseline``: an SSN or an
A-number has about 10^9 possible values, and the SHA-1 of one is reversed by
enumeration in minutes.  The masked form is what pii-hooks prints in public
logs anyway.  It also has letters, so detect-secrets' default
``is_not_alphanumeric_string`` filter (which drops digit-only secrets such as
a bare SSN) keeps it, and it never appears in the line, so
``is_likely_id_string`` (which drops values after ``id:``/``_id=``) keeps it
too.  No default filter has to be disabled.  Two values with the same mask
in one file merge into one baseline entry: the file is flagged either way.

E-mail addresses and phone numbers are everywhere in code (authors,
maintainers, office lines), so those two plugins report only rows of data
files: personal webmail addresses, and mobile numbers under a phone header.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from collections.abc import Generator, Iterator
from typing import Any, NamedTuple

from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.plugins.base import BasePlugin

from pii_hooks.detect.headers import classify_header
from pii_hooks.detect.secrets import PII_TYPE_SUFFIX
from pii_hooks.detect.values import ValueContext, ValueHit, classify_value, find_in_text
from pii_hooks.mask import mask_value

_DELIMITED = ('.csv', '.tsv', '.tab', '.psv')
_HEAD_LINES = 50                 # lines read to find the header of a delimited file
_FREE_TEXT = 120                 # longer cells are searched, not matched whole
#: 'key: value', 'key = value', '"key": "value"': the key is the value's header.
_KEY_VALUE = re.compile(r'''(?P<key>[A-Za-z_][\w\-]{0,40})["']?\s*(?::|=|=>)\s*["']?'''
                        r'''(?P<value>[^"'\n,;{}\[\]<>]{5,100})''')


class _Hit(NamedTuple):
    category: str
    signal: str
    reported: str                # what detect-secrets hashes: category and masked value
    tabular: bool                # a cell of a row of a delimited data file
    header_category: str | None


class _Layout(NamedTuple):
    delimiter: str
    header: tuple[str, ...]
    header_line: int             # 1-based line number of the header, 0 when none


@functools.lru_cache(maxsize=4096)
def _context(header: str) -> ValueContext:
    match = classify_header(header) if header else None
    return ValueContext(header_category=match.category if match else None)


def _sniff_delimiter(lines: list[str], filename: str) -> str:
    if filename.lower().endswith(('.tsv', '.tab')):
        return '\t'
    if filename.lower().endswith('.psv'):
        return '|'
    best, best_score = ',', 0.0
    for delim in (',', '\t', ';', '|'):
        counts = [ln.count(delim) for ln in lines if ln.strip()]
        if not counts or not max(counts):
            continue
        modal = max(set(counts), key=counts.count)
        score = counts.count(modal) / len(counts) * (1 + min(modal, 20) / 20)
        if modal and score > best_score:
            best, best_score = delim, score
    return best


@functools.lru_cache(maxsize=64)
def _layout(filename: str) -> _Layout | None:
    """The delimiter and header of a delimited data file; None for other files."""
    if not filename.lower().endswith(_DELIMITED):
        return None
    from pii_hooks.readers.delimited import find_header
    try:
        with open(filename, encoding='utf-8-sig', errors='replace', newline='') as handle:
            lines = [handle.readline() for _ in range(_HEAD_LINES)]
    except OSError:
        return None
    lines = [ln for ln in lines if ln]
    delimiter = _sniff_delimiter(lines, filename)
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return _Layout(delimiter, (), 0)
    at = find_header(rows)
    if at < 0:
        return _Layout(delimiter, (), 0)
    return _Layout(delimiter, tuple(cell.strip() for cell in rows[at]), at + 1)


def _reported(hit: ValueHit, value: str) -> str:
    # the category keeps a letter in it: detect-secrets drops secrets without one
    return f'{hit.category}:{mask_value(value, hit.category)}'


def _cell_hits(value: str, header: str, tabular: bool) -> Iterator[_Hit]:
    value = value.strip()
    if not value:
        return
    ctx = _context(header)
    if len(value) > _FREE_TEXT:
        for hit, span in find_in_text(value, ctx):
            yield _Hit(hit.category, hit.signal, _reported(hit, span), False, ctx.header_category)
        return
    found = classify_value(value, ctx)
    if found is not None:
        yield _Hit(found.category, found.signal, _reported(found, value), tabular,
                   ctx.header_category)


def _text_hits(line: str) -> Iterator[_Hit]:
    for hit, span in find_in_text(line):
        yield _Hit(hit.category, hit.signal, _reported(hit, span), False, None)
    for match in _KEY_VALUE.finditer(line):
        yield from _cell_hits(match.group('value'), match.group('key'), False)


@functools.lru_cache(maxsize=64)
def line_hits(filename: str, line: str, line_number: int = 0) -> tuple[_Hit, ...]:
    """Every PII value in one line, once for all plugins (each plugin sees the same line)."""
    layout = _layout(filename) if filename else None
    hits: Iterator[_Hit]
    if layout is None or not layout.header or line_number < layout.header_line:
        hits = _text_hits(line)
    elif line_number == layout.header_line:
        return ()
    else:
        try:
            cells = next(csv.reader([line], delimiter=layout.delimiter), [])
        except csv.Error:
            cells = [line]
        header = layout.header
        hits = (hit for i, cell in enumerate(cells)
                for hit in _cell_hits(cell, header[i] if i < len(header) else '', True))
    unique: dict[str, _Hit] = {}
    for hit in hits:
        unique.setdefault(hit.reported, hit)
    return tuple(unique.values())


class _PiiPlugin(BasePlugin):
    """One finding category of pii-hooks as a detect-secrets plugin."""

    categories: frozenset[str] = frozenset()
    signals: frozenset[str] | None = None       # only hits with one of these signals
    tabular_only = False                        # only cells of rows of delimited data files
    header_category: str | None = None          # only under a header naming this category

    def wants(self, hit: _Hit) -> bool:
        return (hit.category in self.categories
                and (self.signals is None or hit.signal in self.signals)
                and (not self.tabular_only or hit.tabular)
                and (self.header_category is None or hit.header_category == self.header_category))

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        """``detect-secrets scan --string``: one line, no file around it."""
        for hit in line_hits('', string):
            if self.wants(hit):
                yield hit.reported

    def analyze_line(self, filename: str, line: str, line_number: int = 0,
                     context: Any = None, **kwargs: Any) -> set[PotentialSecret]:
        secret_type = str(self.secret_type)
        return {PotentialSecret(type=secret_type, filename=filename, secret=hit.reported,
                                line_number=line_number)
                for hit in line_hits(filename, line, line_number) if self.wants(hit)}


class PiiSsnDetector(_PiiPlugin):
    """US social security numbers (SSA area, group and serial rules)."""

    secret_type = 'US Social Security Number' + PII_TYPE_SUFFIX
    categories = frozenset({'ssn'})


class PiiItinDetector(_PiiPlugin):
    """US individual taxpayer identification numbers."""

    secret_type = 'US Individual Taxpayer ID' + PII_TYPE_SUFFIX
    categories = frozenset({'itin'})


class PiiANumberDetector(_PiiPlugin):
    """US alien registration numbers (A-numbers)."""

    secret_type = 'US Alien Registration Number' + PII_TYPE_SUFFIX
    categories = frozenset({'a_number'})


class PiiCreditCardDetector(_PiiPlugin):
    """Payment card numbers (issuer prefix and Luhn check)."""

    secret_type = 'Payment Card Number' + PII_TYPE_SUFFIX
    categories = frozenset({'credit_card'})


class PiiIbanDetector(_PiiPlugin):
    """IBANs (country format and mod-97 check)."""

    secret_type = 'IBAN' + PII_TYPE_SUFFIX
    categories = frozenset({'iban'})


class PiiBankAccountDetector(_PiiPlugin):
    """Bank account numbers under an account header (routing numbers name a bank, not a person)."""

    secret_type = 'Bank Account Number' + PII_TYPE_SUFFIX
    categories = frozenset({'bank_account'})
    signals = frozenset({'', 'account'})


class PiiNationalIdDetector(_PiiPlugin):
    """National identity numbers (python-stdnum schemes: UK NINO, Indian Aadhaar, ...)."""

    secret_type = 'National ID Number' + PII_TYPE_SUFFIX
    categories = frozenset({'national_id'})


class PiiTaxIdDetector(_PiiPlugin):
    """Personal tax identifiers of other countries (python-stdnum schemes)."""

    secret_type = 'Tax ID' + PII_TYPE_SUFFIX
    categories = frozenset({'tax_id'})


class PiiPassportDetector(_PiiPlugin):
    """Passport numbers under a passport header."""

    secret_type = 'Passport Number' + PII_TYPE_SUFFIX
    categories = frozenset({'passport'})


class PiiDriversLicenseDetector(_PiiPlugin):
    """Driver's license numbers under a license header."""

    secret_type = "Driver's License Number" + PII_TYPE_SUFFIX
    categories = frozenset({'drivers_license'})


class PiiPersonalEmailDetector(_PiiPlugin):
    """Personal webmail addresses in rows of data (not authors in code, not office mailboxes)."""

    secret_type = 'Personal E-mail Address' + PII_TYPE_SUFFIX
    categories = frozenset({'email'})
    signals = frozenset({'webmail'})
    tabular_only = True


class PiiMobilePhoneDetector(_PiiPlugin):
    """Mobile phone numbers in a phone column of data (not office lines in code)."""

    secret_type = 'Mobile Phone Number' + PII_TYPE_SUFFIX
    categories = frozenset({'phone'})
    signals = frozenset({'mobile'})
    tabular_only = True
    header_category = 'phone'


def plugin_path() -> str:
    """This file's path, for ``detect-secrets scan --plugin``."""
    return os.path.abspath(__file__)


if __name__ == '__main__':
    print(plugin_path())
