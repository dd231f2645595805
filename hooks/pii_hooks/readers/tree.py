"""JSON, JSON Lines and YAML: nested documents become tables.

Every list of objects becomes a table of records (its keys are the columns,
nested keys joined with '.'); every other scalar joins a table of key paths,
so ``contact.email`` in a site config is judged as an e-mail column.

YAML: every document of a multi-document stream is read ('document 2', ...);
anchors and aliases are followed, within a budget of nodes proportional to the
text (a "billion laughs" document fails closed instead of running for hours);
application tags (``!Ref``, ``!!python/name:...`` in mkdocs.yml) are read as
the plain value they tag, never constructed.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.delimited import errors_for, sniff_encoding

_INDEX = re.compile(r'\[\d+\]')
_MAX_TEXT_BYTES = 256 * 1024**2       # whole-document formats are parsed in memory


def _rows_of_scalars(node: list[Any]) -> bool:
    """A list of at least two lists of scalars, most of one width: rows of a table."""
    rows = [item for item in node if isinstance(item, list)]
    if len(rows) < 2 or len(rows) * 2 < len(node):
        return False
    widths = [len(r) for r in rows]
    width = max(set(widths), key=widths.count)
    return width >= 2 and widths.count(width) * 2 >= len(rows) and all(
        not isinstance(cell, (dict, list)) for r in rows[:50] for cell in r)


class _Collector:
    """Groups leaves by path into tables of records."""

    def __init__(self, limits: Limits, max_nodes: int = 1 << 62) -> None:
        self.limits = limits
        self.nodes = 0
        self.max_nodes = max_nodes
        # table path -> (column path -> {row: value})
        self.tables: dict[str, dict[str, dict[int, str]]] = {}
        self.rows: dict[str, int] = {}

    def add(self, table: str, row: int, column: str, value: str) -> None:
        columns = self.tables.setdefault(table, {})
        columns.setdefault(column, {})[row] = value
        self.rows[table] = max(self.rows.get(table, 0), row)

    def walk(self, node: Any, table: str, row: int, prefix: str, depth: int) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise Unreadable('the document expands to far more values than its text holds '
                             '(aliases of aliases: a "billion laughs" document?)',
                             'remove the nested aliases', limit='max_nesting')
        if depth > self.limits.max_nesting:
            raise Unreadable(f'nesting deeper than {self.limits.max_nesting} levels '
                             '(limit max_nesting)', 'flatten the document or raise '
                             'limits.max_nesting', limit='max_nesting')
        if isinstance(node, dict):
            for key, value in node.items():
                path = f'{prefix}.{key}' if prefix else str(key)
                self.walk(value, table, row, path, depth + 1)
        elif isinstance(node, list):
            records = [item for item in node if isinstance(item, dict)]
            if records and len(records) * 2 >= len(node):
                sub = f'{table}.{prefix}' if prefix else table or '$'
                sub = sub if sub.startswith('$') else '$.' + sub
                base = self.rows.get(sub, 0)
                for i, item in enumerate(node, start=1):
                    self.walk(item, sub, base + i, '', depth + 1)
            elif _rows_of_scalars(node):
                # [[name, dob, ...], ...]: a table whose columns are positions
                sub = f'{table}.{prefix}' if prefix else table or '$'
                sub = sub if sub.startswith('$') else '$.' + sub
                base = self.rows.get(sub, 0)
                for i, item in enumerate(node, start=1):
                    for j, cell in enumerate(item if isinstance(item, list) else [item]):
                        self.walk(cell, sub, base + i, f'[{j + 1}]', depth + 2)
            elif prefix and all(not isinstance(item, (dict, list)) for item in node):
                # a list of scalars under a key is a list of its own: its rows are not the
                # rows of the other keys' lists, so nothing in it sits 'beside' them
                sub = f'{table}.{prefix}' if table not in ('', '$') else f'$.{prefix}'
                base = self.rows.get(sub, 0)
                for i, item in enumerate(node, start=1):
                    self.walk(item, sub, base + i, prefix.rsplit('.', 1)[-1], depth + 1)
            else:
                for item in node:
                    row = self.rows.get(table, 0) + 1 if not isinstance(item, (dict, list)) else row
                    self.walk(item, table, row, prefix, depth + 1)
        elif node is not None and not isinstance(node, bool):
            self.add(table, row, prefix, str(node))

    def result(self) -> Iterator[Table]:
        for path, columns in self.tables.items():
            header = tuple(columns)
            height = self.rows[path]
            data = [[col.get(r) for r in range(1, height + 1)] for col in columns.values()]
            part = '' if path in ('', '$') else path
            yield Table(part=part, state='visible', header=header,
                        batches=[Batch(1, data)], header_row=0)


def _load_text(stream: IO[bytes]) -> str:
    data = stream.read(_MAX_TEXT_BYTES + 1)
    if len(data) > _MAX_TEXT_BYTES:
        raise Unreadable('document larger than 256 MiB (parsed whole)',
                         'split it, or use JSON Lines', limit='max_file_bytes')
    encoding = sniff_encoding(data[:65536])
    try:
        return data.decode(encoding, errors=errors_for(encoding))
    except UnicodeDecodeError:
        raise Unreadable(f'text is not valid {encoding}', 'save the file as UTF-8') from None


def _looks_templated(text: str) -> bool:
    return '{{' in text or '{%' in text


def read_json(name: str, stream: IO[bytes], limits: Limits,
              depth: int = 0) -> Iterator[TableOrProblem]:
    text = _load_text(stream)
    if not text.strip():
        return
    try:
        doc = json.loads(text)
    except RecursionError:
        raise Unreadable('JSON nested too deeply to parse', 'flatten the document',
                         limit='max_nesting') from None
    except ValueError as exc:
        if _looks_templated(text):
            # a Liquid / Jinja template named .json: judge its text, not its structure
            yield from _template_table(text)
            return
        lines = _json_lines(text, limits)
        if lines is not None:
            # one document per line (GeoJSON sequences, JSON Lines named .json)
            yield from lines.result()
            return
        raise Unreadable(f'invalid JSON ({str(exc).split(":")[0][:60]})',
                         'fix the file, or exclude it if it is not data') from None
    collector = _Collector(limits)
    try:
        collector.walk(doc, '', 1, '', 0)
    except RecursionError:
        raise Unreadable('JSON nested too deeply to read', 'flatten the document',
                         limit='max_nesting') from None
    yield from collector.result()


def _json_lines(text: str, limits: Limits) -> _Collector | None:
    """The documents of a text that holds one JSON value per line; None when it does not."""
    collector = _Collector(limits)
    seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip('\x1e')            # RFC 8142 record separators
        if not line:
            continue
        try:
            doc = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(doc, (dict, list)):
            return None
        collector.walk(doc, '$', number, '', 0)
        seen = True
    return collector if seen else None


def _template_table(text: str) -> Iterator[Table]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    yield Table(part='template text', state='visible', header=('',),
                batches=[Batch(1, [lines])], header_row=0)


def read_jsonl(name: str, stream: IO[bytes], limits: Limits,
               depth: int = 0) -> Iterator[TableOrProblem]:
    head = stream.read(65536)
    encoding = sniff_encoding(head)
    stream.seek(0)
    collector = _Collector(limits)
    import io
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors_for(encoding))
    try:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError:
                raise Unreadable(f'line {number} is not valid JSON',
                                 'fix the line or exclude the file') from None
            collector.walk(doc, '$', number, '', 0)
            if number > limits.max_rows:
                raise Unreadable(f'more than {limits.max_rows:,} lines (limit max_rows)',
                                 'raise limits.max_rows', limit='max_rows')
    except UnicodeDecodeError:
        raise Unreadable(f'text is not valid {encoding}', 'save the file as UTF-8') from None
    except RecursionError:
        raise Unreadable('JSON nested too deeply to read', 'flatten the document',
                         limit='max_nesting') from None
    finally:
        text.detach()
    yield from collector.result()


def read_yaml(name: str, stream: IO[bytes], limits: Limits,
              depth: int = 0) -> Iterator[TableOrProblem]:
    import yaml
    text = _load_text(stream)
    if not text.strip():
        return
    collector = _Collector(limits, max_nodes=_node_budget(text))
    try:
        for number, doc in enumerate(yaml.load_all(text, Loader=_yaml_loader())):
            collector.walk(doc, '' if number == 0 else f'document {number + 1}', 1, '', 0)
    except yaml.YAMLError as exc:
        if _looks_templated(text):
            yield from _template_table(text)
            return
        mark = getattr(exc, 'problem_mark', None)
        where = f' at line {mark.line + 1}' if mark is not None else ''
        raise Unreadable(f'invalid YAML{where}',
                         'fix the file, or exclude it if it is not data') from None
    except RecursionError:
        raise Unreadable('YAML nested too deeply to read', 'flatten the document',
                         limit='max_nesting') from None
    yield from collector.result()


def _node_budget(text: str) -> int:
    """Values a document may expand to: generous for anchors reused a few times."""
    return 50 * len(text) + 100_000


def _yaml_loader() -> type[Any]:
    import yaml
    base = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc, valid-type]
        """Safe loading; an unknown tag yields the plain value it tags."""

    def plain(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    _Loader.add_multi_constructor('!', plain)
    _Loader.add_multi_constructor('tag:yaml.org,2002:python/', plain)
    return _Loader
