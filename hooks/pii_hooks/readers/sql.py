"""SQL dumps: the rows of INSERT statements and COPY blocks, streamed by table.

* ``CREATE TABLE t (col type, ...)`` gives a table's columns.  A table that
  never gets rows is given as a header with no values (a schema-only file
  passes: a header alone never blocks).
* ``INSERT [IGNORE] INTO t [(cols)] VALUES (...), (...);`` and ``REPLACE
  INTO``: one row per tuple; without a column list, the columns of the
  CREATE TABLE seen before.
* PostgreSQL ``COPY t (cols) FROM stdin;`` blocks: tab-separated rows,
  ``\\N`` for NULL, ending at a line ``\\.``.
* MySQL (backticks, backslash escapes) and PostgreSQL (double quotes, ``''``,
  ``E'...'``) quoting; in a PostgreSQL dump (its header says so, or
  ``standard_conforming_strings = on``) a backslash is a plain character.

The text is tokenised in 1 MiB reads, so a dump of any size streams; rows of
one table that follow each other form one table (part ``table "t"``); a
table that appears again later starts a new one.  Row numbers count the
table's rows in the dump.
"""
from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from typing import IO, NamedTuple

from pii_hooks.models import Batch, Table
from pii_hooks.readers import Limits, TableOrProblem, Unreadable
from pii_hooks.readers.delimited import BATCH_ROWS, errors_for, sniff_encoding

_CHUNK = 1 << 20
_MAX_TOKEN = 64 * 1024**2
_MYSQL_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*(?:\n|$)|\#[^\n]*(?:\n|$)|/\*.*?\*/)
  | (?P<string>[EeNnBbXx]?'(?:[^'\\]|\\.|'')*')
  | (?P<ident>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<punct>[(),;.=])
  | (?P<word>[^\s'"`(),;.=\[]+)
""", re.VERBOSE | re.DOTALL)
_PG_TOKEN = re.compile(_MYSQL_TOKEN.pattern.replace(
    r"""(?P<string>[EeNnBbXx]?'(?:[^'\\]|\\.|'')*')""",
    r"""(?P<string>[Ee]'(?:[^'\\]|\\.|'')*'|[NnBbXx]?'(?:[^']|'')*')"""), re.VERBOSE | re.DOTALL)
_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '0': '\x00', 'b': '\b', 'Z': '\x1a'}
_BACKSLASH = re.compile(r'\\(.)', re.DOTALL)
_NOT_COLUMNS = frozenset({'primary', 'key', 'unique', 'constraint', 'index', 'foreign', 'check',
                          'fulltext', 'spatial', 'exclude', 'like', 'period'})
_PG_HINT = re.compile(r'PostgreSQL database dump|standard_conforming_strings\s*=\s*on|'
                      r'FROM stdin;', re.IGNORECASE)


class Token(NamedTuple):
    kind: str           # 'string' | 'ident' | 'punct' | 'word'
    text: str           # the value: unquoted for strings and identifiers


def _unquote_string(raw: str, backslash: bool) -> str:
    prefix = raw[0] if raw[0] != "'" else ''
    body = raw[len(prefix) + 1:-1].replace("''", "'")
    if backslash or prefix in ('E', 'e'):
        body = _BACKSLASH.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)
    return body


def _unquote_ident(raw: str) -> str:
    if raw[0] == '"':
        return raw[1:-1].replace('""', '"')
    if raw[0] == '`':
        return raw[1:-1].replace('``', '`')
    if raw[0] == '[':
        return raw[1:-1]
    return raw


class _Lexer:
    """Tokens from a text stream read in chunks; COPY data read as lines."""

    def __init__(self, text: IO[str], postgres: bool) -> None:
        self.text = text
        self.buffer = ''
        self.pos = 0
        self.eof = False
        self.pattern = _PG_TOKEN if postgres else _MYSQL_TOKEN
        self.backslash = not postgres

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos:] + chunk
        self.pos = 0
        return True

    def tokens(self) -> Iterator[Token]:
        while True:
            if self.pos >= len(self.buffer) and not self._fill():
                return
            match = self.pattern.match(self.buffer, self.pos)
            if match is None or (match.end() == len(self.buffer) and not self.eof):
                # a token cut by the end of the buffer: read on, unless it cannot end
                if len(self.buffer) - self.pos > _MAX_TOKEN:
                    raise Unreadable('a single SQL value longer than 64 MiB, or an unterminated '
                                     'string', 'check the dump')
                if self._fill():
                    continue
                if match is None:
                    raise Unreadable('unterminated string or identifier in the SQL dump',
                                     'check the dump; it may be truncated')
            self.pos = match.end()
            kind = match.lastgroup or ''
            if kind in ('space', 'comment'):
                continue
            raw = match.group()
            if kind == 'string':
                yield Token(kind, _unquote_string(raw, self.backslash))
            elif kind == 'ident':
                yield Token(kind, _unquote_ident(raw))
            else:
                yield Token(kind, raw)

    def lines(self) -> Iterator[str]:
        """Raw lines after the current position (COPY data), up to the line ``\\.``."""
        # the COPY statement's own line ends first
        while True:
            end = self.buffer.find('\n', self.pos)
            if end < 0:
                if len(self.buffer) - self.pos > _MAX_TOKEN:
                    raise Unreadable('a COPY line longer than 64 MiB', 'check the dump')
                if self._fill():
                    continue
                line, self.pos = self.buffer[self.pos:], len(self.buffer)
                if line:
                    yield line
                return
            line = self.buffer[self.pos:end].rstrip('\r')
            self.pos = end + 1
            yield line


class Event(NamedTuple):
    kind: str                        # 'create' | 'row'
    table: str
    columns: tuple[str, ...]
    values: list[str | None]


def _name(tokens: Iterator[Token], first: Token) -> tuple[str, Token | None]:
    """A possibly qualified name (schema.table), and the token after it."""
    parts = [first.text]
    for token in tokens:
        if token.kind == 'punct' and token.text == '.':
            nxt = next(tokens, None)
            if nxt is None:
                break
            parts.append(nxt.text)
            continue
        return '.'.join(parts), token
    return '.'.join(parts), None


def _skip_statement(tokens: Iterator[Token], depth: int = 0) -> None:
    for token in tokens:
        if token.kind == 'punct':
            if token.text == '(':
                depth += 1
            elif token.text == ')':
                depth -= 1
            elif token.text == ';' and depth <= 0:
                return


def _column_list(tokens: Iterator[Token]) -> tuple[str, ...]:
    """Names in ``(a, b, c)``, the opening parenthesis already read."""
    names: list[str] = []
    for token in tokens:
        if token.kind == 'punct' and token.text == ')':
            break
        if token.kind in ('ident', 'word'):
            names.append(token.text)
    return tuple(names)


def _items(tokens: Iterator[Token]) -> list[list[Token]]:
    """The top-level items of ``( ... )``, the opening parenthesis already read: each item's
    tokens, nested parentheses included; the closing parenthesis is consumed."""
    items: list[list[Token]] = []
    current: list[Token] = []
    depth = 1
    for token in tokens:
        if token.kind == 'punct':
            if token.text == '(':
                depth += 1
            elif token.text == ')':
                depth -= 1
                if depth == 0:
                    break
            elif token.text == ',' and depth == 1:
                items.append(current)
                current = []
                continue
        current.append(token)
    items.append(current)
    return items


def _create_columns(tokens: Iterator[Token]) -> tuple[str, ...]:
    """Column names of ``CREATE TABLE t (...)``, the opening parenthesis already read:
    the first word of each item outside nested parentheses."""
    names: list[str] = []
    for item in _items(tokens):
        depth = 0
        for token in item:
            if token.kind == 'punct':
                depth += {'(': 1, ')': -1}.get(token.text, 0)
                continue
            if depth == 0:
                if token.kind == 'ident' or token.text.lower() not in _NOT_COLUMNS:
                    names.append(token.text)
                break
    _skip_statement(tokens)
    return tuple(names)


def _value_tuple(tokens: Iterator[Token]) -> list[str | None]:
    """The values of ``( ... )``, the opening parenthesis already read."""
    return [_value(item) for item in _items(tokens)]


def _value(tokens: list[Token]) -> str | None:
    if not tokens:
        return None
    strings = [t.text for t in tokens if t.kind == 'string']
    if strings:
        return ' '.join(strings)     # 'x', _utf8mb4'x', to_date('x', 'fmt'), CAST('x' AS ...)
    if len(tokens) == 1 and tokens[0].text.upper() == 'NULL':
        return None
    return ''.join(t.text for t in tokens)


def _copy_row(line: str) -> list[str | None]:
    cells: list[str | None] = []
    for raw in line.split('\t'):
        if raw == '\\N':
            cells.append(None)
        else:
            cells.append(_BACKSLASH.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw))
    return cells


def events(lexer: _Lexer) -> Iterator[Event]:
    schema: dict[str, tuple[str, ...]] = {}
    tokens = lexer.tokens()
    for token in tokens:
        word = token.text.upper() if token.kind == 'word' else ''
        if word == 'CREATE':
            yield from _create(tokens, schema)
        elif word in ('INSERT', 'REPLACE'):
            yield from _insert(tokens, schema)
        elif word == 'COPY':
            yield from _copy(lexer, tokens, schema)
        elif not (token.kind == 'punct' and token.text == ';'):
            _skip_statement(tokens, 1 if token.text == '(' else 0)


def _create(tokens: Iterator[Token], schema: dict[str, tuple[str, ...]]) -> Iterator[Event]:
    for token in tokens:
        if token.kind == 'word' and token.text.upper() == 'TABLE':
            break
        if token.kind == 'punct' and token.text == ';':
            return
        if token.kind == 'word' and token.text.upper() in ('VIEW', 'INDEX', 'FUNCTION',
                                                           'TRIGGER', 'PROCEDURE', 'SEQUENCE'):
            _skip_statement(tokens)
            return
    else:
        return
    start = next(tokens, None)
    while start is not None and start.kind == 'word' and start.text.upper() in ('IF', 'NOT',
                                                                                 'EXISTS'):
        start = next(tokens, None)
    if start is None:
        return
    table, after = _name(tokens, start)
    if after is None or after.text != '(':
        if after is not None and after.text != ';':
            _skip_statement(tokens)
        return
    columns = _create_columns(tokens)
    schema[table] = columns
    yield Event('create', table, columns, [])


def _insert(tokens: Iterator[Token], schema: dict[str, tuple[str, ...]]) -> Iterator[Event]:
    token = next(tokens, None)
    while token is not None and token.kind == 'word' and token.text.upper() in (
            'IGNORE', 'INTO', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'OR'):
        token = next(tokens, None)
    if token is None:
        return
    table, after = _name(tokens, token)
    columns = schema.get(table, ())
    if after is not None and after.text == '(':
        columns = _column_list(tokens)
        after = next(tokens, None)
    if after is None or after.text.upper() not in ('VALUES', 'VALUE'):
        if after is not None and after.text != ';':
            _skip_statement(tokens)           # INSERT ... SELECT, INSERT ... SET: no literal rows
        return
    for item in tokens:
        if item.kind == 'punct' and item.text == '(':
            yield Event('row', table, columns, _value_tuple(tokens))
        elif item.kind == 'punct' and item.text == ',':
            continue
        elif item.kind == 'punct' and item.text == ';':
            return
        else:
            _skip_statement(tokens)           # ON DUPLICATE KEY UPDATE ..., RETURNING ...
            return


def _copy(lexer: _Lexer, tokens: Iterator[Token],
          schema: dict[str, tuple[str, ...]]) -> Iterator[Event]:
    token = next(tokens, None)
    if token is None:
        return
    table, after = _name(tokens, token)
    columns = schema.get(table, ())
    words: list[str] = []
    if after is not None and after.text == '(':
        columns = _column_list(tokens)
        after = next(tokens, None)
    while after is not None and not (after.kind == 'punct' and after.text == ';'):
        words.append(after.text.upper())
        after = next(tokens, None)
    if 'STDIN' not in words:
        return                                 # COPY ... TO / FROM 'file': no data here
    lines = lexer.lines()
    rest = next(lines, '')                     # the end of the COPY statement's own line
    if rest.strip():
        lines = itertools.chain([rest], lines)
    for line in lines:
        if line == '\\.':
            return
        yield Event('row', table, columns, _copy_row(line))


class _Peek:
    def __init__(self, items: Iterator[Event]) -> None:
        self.items = items
        self.held: Event | None = None

    def next(self) -> Event | None:
        if self.held is not None:
            item, self.held = self.held, None
            return item
        return next(self.items, None)

    def push(self, item: Event) -> None:
        self.held = item


def _rows_of(stream: _Peek, table: str, first: Event, counter: list[int], limits: Limits,
             width: int) -> Iterator[Batch]:
    pending: list[list[str | None]] = [first.values]
    start = counter[0]
    while True:
        event = stream.next()
        if event is None or event.kind != 'row' or event.table != table:
            if event is not None:
                stream.push(event)
            break
        pending.append(event.values)
        if len(pending) >= BATCH_ROWS:
            yield _batch(pending, start, width)
            start += len(pending)
            pending = []
            if start > limits.max_rows:
                raise Unreadable(f'more than {limits.max_rows:,} rows (limit max_rows)',
                                 'raise limits.max_rows in .pii-hooks.yaml', limit='max_rows')
    if pending:
        yield _batch(pending, start, width)
        start += len(pending)
    counter[0] = start


def _batch(rows: list[list[str | None]], start: int, width: int) -> Batch:
    wide = max([width] + [len(r) for r in rows])
    return Batch(start, [[r[i] if i < len(r) else None for r in rows] for i in range(wide)])


def read_sql(name: str, stream: IO[bytes], limits: Limits,
             depth: int = 0) -> Iterator[TableOrProblem]:
    head = stream.read(65536)
    if not head.strip():
        return
    encoding = sniff_encoding(head)
    postgres = bool(_PG_HINT.search(head.decode('latin-1')))
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors_for(encoding), newline='')
    try:
        yield from _tables(_Peek(events(_Lexer(text, postgres))), limits)
    except UnicodeDecodeError:
        raise Unreadable(f'text is not valid {encoding}', 'save the file as UTF-8') from None
    finally:
        text.detach()


def _tables(stream: _Peek, limits: Limits) -> Iterator[Table]:
    created: dict[str, tuple[str, ...]] = {}
    filled: set[str] = set()
    counters: dict[str, list[int]] = {}
    while (event := stream.next()) is not None:
        if event.kind == 'create':
            created[event.table] = event.columns
            continue
        table = event.table
        filled.add(table)
        counter = counters.setdefault(table, [1])
        yield Table(f'table "{table}"', 'visible', event.columns,
                    _rows_of(stream, table, event, counter, limits, len(event.columns)),
                    header_row=0)
        # the consumer may stop early: skip the rest of this table's run
        while (rest := stream.next()) is not None:
            if rest.kind != 'row' or rest.table != table:
                stream.push(rest)
                break
    for table, columns in created.items():
        if table not in filled and columns:
            yield Table(f'table "{table}"', 'visible', columns, [], header_row=0)
