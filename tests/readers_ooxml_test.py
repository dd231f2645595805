"""XLSX parts no sheet shows: comments, names, pivot caches, links, charts, embeddings."""
from __future__ import annotations

from pathlib import Path

import pytest

from pii_hooks.readers import Limits, Unreadable
from pii_hooks.readers.ooxml import constant_items
from tests.fixtures_build import (
    FACILITIES,
    PEOPLE,
    Sheet,
    chart_xlsx,
    comments_xlsx,
    csv_text,
    data_model_xlsx,
    defined_names_xlsx,
    embedded_xlsx,
    external_link_xlsx,
    located,
    ole_file,
    packager_native,
    pivot_xlsx,
    properties_xlsx,
    read_all,
    scan_json,
    write,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _problems(report: dict[str, object], category: str = 'hidden_structure'
              ) -> list[tuple[str, str]]:
    return [(str(f['severity']), str(f['location'].get('part', '')))  # type: ignore[index]
            for f in report['findings'] if f['category'] == category]  # type: ignore[union-attr]


def test_cell_comment_holding_a_person_blocks(tmp_path: Path) -> None:
    code, report = scan_json(comments_xlsx(tmp_path / 'c.xlsx'))
    assert code == 1
    assert ('ssn', 'comments (sheet "Summary")', 'comment') in located(report)


def test_threaded_comments_and_their_people(tmp_path: Path) -> None:
    path = comments_xlsx(tmp_path / 't.xlsx', threaded=True)
    tables, _ = read_all(path)
    parts = {t.part: t for t in tables}
    threaded = [t for t in tables if t.part == 'comments (sheet "Summary")']
    assert any('512-44-6789' in str(r) for t in threaded for r in t.rows.values())
    authors = parts['comment authors']
    assert authors.state == 'metadata' and authors.header == ('displayName', 'userId')
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'comments (sheet "Summary")', 'comment') in located(report)


@pytest.mark.parametrize(('formula', 'items'), [
    ('"Jane Doe"', ['Jane Doe']), ('={"a","b";1,2}', ['a', 'b', '1', '2']), ('0.25', ['0.25']),
    ('Summary!$A$1:$C$4', None), ("'My Sheet'!A1", None), ('#REF!', None),
    ('OFFSET(Data!$A$1,0,0)', None), ('"say ""hi"""', ['say "hi"']),
])
def test_constant_items(formula: str, items: list[str] | None) -> None:
    assert constant_items(formula) == items


def test_defined_name_holding_ssns_blocks(tmp_path: Path) -> None:
    path = defined_names_xlsx(tmp_path / 'n.xlsx')
    tables, _ = read_all(path)
    names = next(t for t in tables if t.part == 'defined names')
    assert names.header == ('CaseSSNs', 'Rate') and names.state == 'defined name'
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'defined names', 'defined name') in located(report)


def test_defined_name_constants_that_are_not_people_pass(tmp_path: Path) -> None:
    assert scan_json(defined_names_xlsx(tmp_path / 'n.xlsx', ('Low', 'Medium', 'High')))[0] == 0


def test_pivot_cache_keeps_rows_of_a_deleted_source_sheet(tmp_path: Path) -> None:
    code, report = scan_json(pivot_xlsx(tmp_path / 'p.xlsx'))
    assert code == 1
    part = 'pivot cache 1 (xl/pivotCache/pivotCacheRecords1.xml)'
    assert ('ssn', part, 'pivot cache') in located(report)
    assert ('person_name', part, 'pivot cache') in located(report)
    assert ('warn', 'pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml)') in _problems(report)


def test_orphan_pivot_cache_is_read_and_warns(tmp_path: Path) -> None:
    path = pivot_xlsx(tmp_path / 'o.xlsx', with_table=False, source_exists=True)
    tables, problems = read_all(path)
    assert any(t.state == 'pivot cache' and t.rows for t in tables)
    assert [p.reason for p in problems if not p.blocks]  # type: ignore[attr-defined]
    code, report = scan_json(path)
    assert code == 1
    assert any('no pivot table' in str(f['reason']) and f['severity'] == 'warn'
               for f in report['findings'])  # type: ignore[union-attr]


def test_pivot_cache_without_records_reads_shared_items(tmp_path: Path) -> None:
    code, report = scan_json(pivot_xlsx(tmp_path / 's.xlsx', save_data=False))
    assert code == 1
    part = 'pivot cache 1 shared items (xl/pivotCache/pivotCacheDefinition1.xml)'
    assert ('ssn', part, 'pivot cache') in located(report)


def test_pivot_items_retained_after_their_rows_were_deleted(tmp_path: Path) -> None:
    path = pivot_xlsx(tmp_path / 'r.xlsx', FACILITIES, source_exists=True,
                      shared_only=[r[0] for r in PEOPLE[1:]])
    tables, _ = read_all(path)
    retained = next(t for t in tables if 'retained items' in t.part)
    assert [r[0] for r in retained.rows.values()] == [r[0] for r in PEOPLE[1:]]
    code, report = scan_json(path)
    assert code == 1
    assert any(c == 'person_name' and 'retained items' in p for c, p, _ in located(report))


def test_pivot_cache_over_facility_counts_passes(tmp_path: Path) -> None:
    code, report = scan_json(pivot_xlsx(tmp_path / 'f.xlsx', FACILITIES, source_exists=True))
    assert code == 0 and located(report) == []


def test_external_link_cached_cells(tmp_path: Path) -> None:
    code, report = scan_json(external_link_xlsx(tmp_path / 'x.xlsx'))
    assert code == 1
    part = 'external link 1 sheet "Roster" (xl/externalLinks/externalLink1.xml)'
    assert ('ssn', part, 'external link') in located(report)


def test_chart_category_cache_names_people(tmp_path: Path) -> None:
    path = chart_xlsx(tmp_path / 'ch.xlsx')
    tables, _ = read_all(path)
    chart = next(t for t in tables if t.state == 'chart cache')
    assert chart.header == ('series', 'Cases (cat)', 'Cases')
    code, report = scan_json(path)
    assert code == 1
    assert ('person_name', 'chart cache (xl/charts/chart1.xml)', 'chart cache') in located(report)


def test_chart_of_regions_passes(tmp_path: Path) -> None:
    assert scan_json(chart_xlsx(tmp_path / 'ch.xlsx', ['North', 'South', 'East']))[0] == 0


def test_embedded_workbook_is_read_one_level_deeper(tmp_path: Path) -> None:
    inner = xlsx_bytes([Sheet('People', PEOPLE)])
    code, report = scan_json(embedded_xlsx(tmp_path / 'e.xlsx', inner))
    assert code == 1
    part = 'embedded xl/embeddings/Microsoft_Excel_Worksheet1.xlsx, sheet "People"'
    assert ('ssn', part, 'embedded') in located(report)


def test_embedding_depth_is_limited(tmp_path: Path) -> None:
    data = xlsx_bytes([Sheet('People', PEOPLE)])
    for _ in range(3):
        data = embedded_xlsx(tmp_path / 'step.xlsx', data).read_bytes()
    path = write(tmp_path / 'deep.xlsx', data)
    with pytest.raises(Unreadable, match='limit max_depth'):
        read_all(path, Limits(max_depth=2))
    tables, _ = read_all(path, Limits(max_depth=5))
    assert any(t.part.count('embedded') == 3 for t in tables)


def test_embedded_ole_packager_holding_a_csv(tmp_path: Path) -> None:
    ole = ole_file({'\x01Ole10Native': packager_native('people.csv',
                                                       csv_text(PEOPLE).encode())})
    code, report = scan_json(embedded_xlsx(tmp_path / 'pk.xlsx', ole, 'oleObject1.bin'))
    assert code == 1
    assert ('ssn', 'embedded xl/embeddings/oleObject1.bin, packaged people.csv',
            'embedded') in located(report)


def test_embedded_object_that_cannot_be_inspected_warns(tmp_path: Path) -> None:
    ole = ole_file({'WordDocument': b'\x00' * 700})
    code, report = scan_json(embedded_xlsx(tmp_path / 'w.xlsx', ole, 'oleObject2.bin'))
    assert code == 0
    assert _problems(report) == [('warn', 'embedded xl/embeddings/oleObject2.bin')]


def test_embedded_xls_workbook_in_ole_object(tmp_path: Path) -> None:
    pytest.importorskip('xlwt')
    from tests.fixtures_build import xls_bytes
    inner = xls_bytes([('People', PEOPLE, 0)])
    code, report = scan_json(embedded_xlsx(tmp_path / 'x.xlsx', inner, 'oleObject1.bin'))
    assert code == 1
    assert ('ssn', 'embedded xl/embeddings/oleObject1.bin, sheet "People"',
            'embedded') in located(report)


def test_document_properties_are_a_metadata_table(tmp_path: Path) -> None:
    path = properties_xlsx(tmp_path / 'd.xlsx')
    tables, _ = read_all(path)
    props = next(t for t in tables if t.part == 'document properties')
    assert props.state == 'metadata'
    assert props.header == ('creator', 'lastModifiedBy', 'Company', 'Reviewer SSN')
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'document properties', 'metadata') in located(report)


def test_data_model_blocks_as_hidden_structure(tmp_path: Path) -> None:
    code, report = scan_json(data_model_xlsx(tmp_path / 'm.xlsx'))
    assert code == 1
    assert _problems(report) == [('block', 'data model (xl/model/item.data)')]


def test_plain_workbook_has_no_extra_parts(tmp_path: Path) -> None:
    tables, problems = read_all(write(tmp_path / 'a.xlsx', xlsx_bytes([Sheet('S', FACILITIES)])))
    assert [t.part for t in tables] == ['sheet "S"'] and problems == []


_DRAWING_REL = ('drawing', '../drawings/drawing1.xml')


def _drawing(*texts: str) -> str:
    shapes = ''.join(
        '<xdr:twoCellAnchor><xdr:sp macro="" textlink=""><xdr:nvSpPr>'
        f'<xdr:cNvPr id="{i + 2}" name="TextBox {i + 1}"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
        '<xdr:spPr/><xdr:txBody><a:bodyPr/>'
        + ''.join(f'<a:p><a:r><a:t>{line}</a:t></a:r></a:p>' for line in text.split('|'))
        + '</xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
        for i, text in enumerate(texts))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr='
            '"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a='
            f'"http://schemas.openxmlformats.org/drawingml/2006/main">{shapes}</xdr:wsDr>')


def test_text_box_over_a_sheet_is_read(tmp_path: Path) -> None:
    data = xlsx_bytes([Sheet('Summary', FACILITIES, rels=[_DRAWING_REL])],
                      parts={'xl/drawings/drawing1.xml': _drawing(
                          'Source: facility counts, 2024',
                          'Questions: Jane Doe|SSN 512-44-6789|jane.doe@gmail.com')})
    path = write(tmp_path / 'box.xlsx', data)
    tables, _ = read_all(path)
    boxes = next(t for t in tables if t.part == 'text boxes (sheet "Summary")')
    assert boxes.state == 'text box' and boxes.header == ('shape', 'text')
    assert list(boxes.rows.values())[1] == [
        'TextBox 2', 'Questions: Jane Doe\nSSN 512-44-6789\njane.doe@gmail.com']
    code, report = scan_json(path)
    assert code == 1 and ('ssn', 'text boxes (sheet "Summary")', 'text box') in located(report)


def test_a_text_box_of_sources_passes(tmp_path: Path) -> None:
    data = xlsx_bytes([Sheet('Summary', FACILITIES, rels=[_DRAWING_REL])],
                      parts={'xl/drawings/drawing1.xml': _drawing(
                          'Source: facility counts, 2024|Table 4, rows 2-9', '')})
    assert scan_json(write(tmp_path / 'box.xlsx', data))[0] == 0
