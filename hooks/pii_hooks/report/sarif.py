"""SARIF 2.1.0 for code-scanning services: one rule per category, masked messages only.

A SARIF file is uploaded and shown to everyone who can read the repository,
so it carries what the text report carries and nothing more: no ``snippet``,
no ``contextRegion``, examples masked, and ``partialFingerprints`` computed
from the path, the location and the category, never from a value.  Setting
``primaryLocationLineHash`` ourselves also stops an uploader from computing
it from the text of the flagged row.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from pii_hooks import __version__
from pii_hooks.models import BLOCK, CATEGORIES, STRUCTURE, UNREADABLE, Finding
from pii_hooks.policy.decide import IDENTIFIERS, SPECIAL, label
from pii_hooks.report.text import safe_location, summary

SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'
INFORMATION_URI = 'https://github.com/pii-hooks/pii-hooks'
RULE_CATEGORIES = (*CATEGORIES, UNREADABLE, STRUCTURE)
_ERROR_BY_DEFAULT = IDENTIFIERS | SPECIAL | {'date_of_birth', 'street_address', UNREADABLE,
                                             STRUCTURE}
_FULL = {
    UNREADABLE: 'A data file that pii-hooks could not read, so could not judge. It blocks: '
                'a file that cannot be checked must not be published unchecked.',
    STRUCTURE: 'A part of a data file that can hide data we cannot inspect, such as a pivot '
               'cache without its source or an external link cache.',
}
_HELP = ('Personal data in a data file that will be committed, pushed or published. Remove the '
         'column or the rows, or publish an aggregate instead. If the data is meant to be '
         'public, allow the file with a reason: `pii-hooks allow PATH --reason "..."` (the '
         'entry pins the file\'s content hash, so a changed file is checked again).')
_HELP_UNREADABLE = ('Convert the file to a format pii-hooks reads (CSV is always read), fix it, '
                    'exclude it in .pii-hooks.yaml, or allow it with '
                    '`pii-hooks allow PATH --reason "..."`.')


def _rule_name(category: str) -> str:
    return ''.join(part.capitalize() for part in category.split('_'))


def _rule(category: str) -> dict[str, Any]:
    what = label(category)
    full = _FULL.get(category, f'A column of a data file holds {what}, personal data that '
                               'must not reach a public repository or website.')
    help_text = _HELP_UNREADABLE if category == UNREADABLE else _HELP
    error = category in _ERROR_BY_DEFAULT
    properties: dict[str, Any] = {'tags': ['privacy', 'pii', 'security']}
    if error:
        properties['security-severity'] = '8.0'
    return {
        'id': category,
        'name': _rule_name(category),
        'shortDescription': {'text': f'{what[:1].upper()}{what[1:]} in a data file'},
        'fullDescription': {'text': full},
        'help': {'text': help_text, 'markdown': help_text},
        'helpUri': INFORMATION_URI,
        'defaultConfiguration': {'level': 'error' if error else 'warning'},
        'properties': properties,
    }


def fingerprint(f: Finding) -> str:
    """Stable across runs and row edits: path, part, column, category; never a value."""
    loc = safe_location(f.location, f.category)
    key = '\0'.join((f.path, loc.part, str(loc.column_index), loc.column, f.category))
    return hashlib.sha256(key.encode('utf-8', 'surrogateescape')).hexdigest()


def _message(f: Finding) -> str:
    text = f'{f.path}: {summary(f)}. {f.reason.rstrip(".")}.'
    if f.fix:
        text += f' Fix: {f.fix}'
    return text


def _logical(f: Finding) -> list[dict[str, Any]]:
    loc = safe_location(f.location, f.category)
    if not loc.part and not loc.column and loc.column_index < 0:
        return []
    column = (f'column "{loc.column}"' if loc.column
              else f'column {loc.column_index + 1}' if loc.column_index >= 0 else '')
    name = column or loc.part
    qualified = ' / '.join(p for p in (loc.part, column) if p)
    return [{'name': name, 'fullyQualifiedName': qualified,
             'kind': 'property' if column else 'object'}]


def _location(f: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {'artifactLocation': {'uri': f.path, 'uriBaseId': '%SRCROOT%'}}
    if not f.location.part and f.location.first_row > 0:
        # a plain file: rows are lines (a sheet's rows are not, so it gets no region)
        physical['region'] = {'startLine': f.location.first_row}
    location: dict[str, Any] = {'physicalLocation': physical}
    logical = _logical(f)
    if logical:
        location['logicalLocations'] = logical
    return location


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    digest = fingerprint(f)
    result: dict[str, Any] = {
        'ruleId': f.category,
        'ruleIndex': rule_index[f.category],
        'level': 'error' if f.severity == BLOCK else 'warning',
        'message': {'text': _message(f)},
        'locations': [_location(f)],
        'partialFingerprints': {'piiHooksLocation/v1': digest,
                                'primaryLocationLineHash': f'{digest[:16]}:1'},
        'properties': {'count': f.count, 'policyRule': f.rule},
    }
    if f.location.first_row:
        result['properties']['rows'] = [f.location.first_row, f.location.last_row]
    if f.commit:
        result['properties']['commit'] = f.commit
    if f.published_url:
        result['properties']['publishedUrl'] = f.published_url
    return result


def sarif_log(findings: Sequence[Finding], files_scanned: int) -> dict[str, Any]:
    categories = list(RULE_CATEGORIES) + sorted(
        {f.category for f in findings} - set(RULE_CATEGORIES))
    rule_index = {c: i for i, c in enumerate(categories)}
    blocked = any(f.severity == BLOCK for f in findings)
    return {
        '$schema': SCHEMA_URI,
        'version': '2.1.0',
        'runs': [{
            'tool': {'driver': {
                'name': 'pii-hooks', 'version': __version__, 'semanticVersion': __version__,
                'informationUri': INFORMATION_URI,
                'rules': [_rule(c) for c in categories],
            }},
            'invocations': [{'executionSuccessful': True, 'exitCode': 1 if blocked else 0}],
            'originalUriBaseIds': {'%SRCROOT%': {'description': {
                'text': 'The root of the repository that was scanned.'}}},
            'columnKind': 'unicodeCodePoints',
            'results': [_result(f, rule_index) for f in findings],
            'properties': {'filesScanned': files_scanned},
        }],
    }


def render_sarif(findings: Sequence[Finding], files_scanned: int) -> str:
    return json.dumps(sarif_log(findings, files_scanned), indent=2, ensure_ascii=False) + '\n'
