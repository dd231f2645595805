"""YAML and JSON trees: multi-document YAML, anchors, alias bombs, application tags."""
from __future__ import annotations

from pathlib import Path

import pytest

from pii_hooks.readers import Unreadable
from tests.fixtures_build import located, read_all, scan_json, write


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


PEOPLE_YAML = '\n'.join(f'- name: {n}\n  ssn: {s}\n  email: {e}' for n, s, e in [
    ('Jane Doe', '512-44-6789', 'jane.doe@gmail.com'),
    ('John Smith', '521-44-9876', 'jsmith@yahoo.com'),
    ('Maria Garcia', '534-44-7890', 'mgarcia@hotmail.com')])


def test_second_yaml_document_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / 'site.yml', f'title: Site\n---\n{PEOPLE_YAML}\n')
    tables, _ = read_all(path)
    assert any('document 2' in t.part for t in tables)
    code, report = scan_json(path)
    assert code == 1 and any(c == 'ssn' for c, _, _ in located(report))


def test_anchors_and_aliases_are_followed(tmp_path: Path) -> None:
    text = ('defaults: &who\n  contact: jane.doe@gmail.com\n  ssn: 512-44-6789\n'
            'pages:\n  - title: a\n    <<: *who\n  - title: b\n    <<: *who\n')
    tables, _ = read_all(write(tmp_path / 'a.yaml', text))
    assert any('512-44-6789' in str(t.rows) for t in tables)


def test_billion_laughs_fails_closed_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f'*a{i - 1}'
        lines.append(f'a{i}: &a{i} [{", ".join([prev] * 9)}]')
    path = write(tmp_path / 'lol.yaml', '\n'.join(lines) + '\n')
    with pytest.raises(Unreadable, match='billion laughs'):
        read_all(path)


def test_application_tags_are_read_as_plain_values(tmp_path: Path) -> None:
    text = ('markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: '
            '!!python/name:material.extensions.emoji.twemoji\nResources:\n  Bucket:\n'
            '    Name: !Ref BucketName\n    Tags: !GetAtt [a, b]\n')
    code, report = scan_json(write(tmp_path / 'mkdocs.yml', text))
    assert code == 0 and report['findings'] == []


def test_big_yaml_list_of_records(tmp_path: Path) -> None:
    rows = ''.join(f'- site: S{i}\n  count: {i}\n' for i in range(20_000))
    code, _ = scan_json(write(tmp_path / 'big.yaml', rows + PEOPLE_YAML.replace('- name', '- site')
                              .replace('  ssn', '  count')))
    assert code == 1


def test_geojson_sequence_one_feature_per_line(tmp_path: Path) -> None:
    lines = ''.join(f'{{"type": "Feature", "properties": {{"ward": "W{i}", "count": {i}}}}}\n'
                    for i in range(5))
    tables, problems = read_all(write(tmp_path / 'wards.geojson', lines))
    assert problems == [] and tables[0].header == ('type', 'properties.ward', 'properties.count')
    assert scan_json(tmp_path / 'wards.geojson')[0] == 0


def test_invalid_json_still_fails_closed(tmp_path: Path) -> None:
    code, report = scan_json(write(tmp_path / 'bad.json', '{"a": 1,\n "b": }\n'))
    assert code == 1 and 'invalid JSON' in str(report['findings'][0]['reason'])  # type: ignore[index]


def test_json_in_cp1252_after_ascii(tmp_path: Path) -> None:
    text = '[' + ','.join(f'{{"site": "S{i}"}}' for i in range(5000)) + ',{"site": "Jos\xe9"}]'
    tables, _ = read_all(write(tmp_path / 'x.json', text.encode('cp1252')))
    assert any('José' in str(t.rows) for t in tables)
