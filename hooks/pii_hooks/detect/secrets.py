"""Secrets in data cells: detect-secrets' detectors on candidate strings, never on files.

detect-secrets' ``scan_file`` costs seconds on a large data file and its
entropy plugins fire on e-mail addresses and long IDs, so a cell is offered
to its detectors only when a cheap gate says one of them could match:

* the regex plugins (AWS, GitHub, Slack, Stripe, JWT, private keys, ...) run
  on values that hold one of their literal markers (``AKIA``, ``ghp_``,
  ``eyJ``, ``user:pass@`` ...).  The entropy plugins, the public-IP plugin
  (IP addresses are a PII category of their own) and the keyword plugin
  (it needs ``key = value`` lines) are never run on bare cells.
* a column whose header names a credential (``password``, ``api_key``,
  ``client_secret``, ``access_token``; detect-secrets' own keyword list plus
  token names) makes its values secrets: the header stands in for the
  ``key =`` part of a line.  A bare ``token`` header needs random-looking values.
* password hashes (bcrypt, argon2, crypt(3) ``$6$``/``$5$``/``$1$``, yescrypt,
  PBKDF2, Django, Werkzeug, LDAP ``{SSHA}``) are secrets in any column:
  detect-secrets drops anything that starts with ``$``, we do not.

detect-secrets' value filters run where they make sense for a cell
(sequential strings, UUIDs, templates, no letters); its file and code-line
filters do not.  A PII category wins over ``secret``: the caller asks here
only about values the PII detectors did not claim.

Secrets audited as false positives in a detect-secrets baseline are skipped by
their ``hashed_secret`` (SHA-1 of the matched secret, computed in memory for
secret candidates only): the runner sets them per file with ``skipping_audited``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import inspect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from pii_hooks.detect.headers import normalise

#: Our own type for password hashes (detect-secrets has no plugin for them).
PASSWORD_HASH = 'Password Hash'
#: detect-secrets' ``KeywordDetector.secret_type``: a value under a credential name.
SECRET_KEYWORD = 'Secret Keyword'
#: The end of every secret_type of our PII plugins (pii_hooks.detect_secrets_plugin):
#: baseline entries of those types hash masked PII, never a secret.
PII_TYPE_SUFFIX = ' (pii-hooks)'

#: detect-secrets plugins never run on cells (class names).
EXCLUDED_PLUGINS = frozenset({
    'Base64HighEntropyString', 'HexHighEntropyString',   # fire on e-mails and long IDs
    'IPPublicDetector',                                  # IP addresses are PII (ip_address)
    'KeywordDetector',                                   # needs a key: the header plays it
})

#: Plugins whose match a more specific plugin may explain (tried last).
_GENERIC = frozenset({'Basic Auth Credentials'})

_MIN_BARE = 16            # shorter bare values hold no token any regex plugin knows
_MIN_KEYWORD = 6          # shorter values under a credential header: flags and codes
_MIN_TOKEN = 20          # values under a bare 'token' header must look random
_TOKEN_ENTROPY = 3.5     # bits per character (random alphanumerics: 4 and more)

#: A literal each regex plugin's match contains.  tests/secrets_test.py holds a sample
#: for every plugin detect-secrets ships, so a new plugin without a marker fails there.
_GATE = re.compile(
    r'A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA'             # AWS access key IDs
    r'|AKC|AP[\dA-F]'                              # Artifactory
    r'|AccountKey='                                # Azure storage
    r'|://[^\s/@]*:[^\s/@]*@'                      # user:password@ in URLs (basic auth, Cloudant)
    r'|hooks\.slack\.com|api\.softlayer\.com|_authToken='
    r'|[MNO][\w-]{23,25}\.'                        # Discord
    r'|gh[pousr]_|gl[a-z]{2,7}-|GR1348941'         # GitHub, GitLab
    r'|eyJ'                                        # JWT
    r'|-us\d'                                      # Mailchimp
    r'|sk-|[rs]k_live_'                            # OpenAI, Stripe
    r'|PRIVATE KEY|PuTTY-User-Key'
    r'|pypi-|SG\.|xox[abposr]-|sq0csp-'
    r'|\d{8,10}:'                                  # Telegram
    r'|AC[a-z0-9]{32}|SK[a-z0-9]{32}')             # Twilio

_B64 = r'[A-Za-z0-9+/]'
_CRYPT = r'[./A-Za-z0-9]'
_PASSWORD_HASH = re.compile('|'.join((
    rf'\$2[abxy]?\$\d\d\${_CRYPT}{{53}}',                                      # bcrypt
    rf'\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\${_B64}+\${_B64}+',   # argon2
    rf'\$[156]\$(?:rounds=\d+\$)?{_CRYPT}{{1,16}}\${_CRYPT}{{22,86}}',         # crypt(3)
    rf'\$apr1\${_CRYPT}{{1,8}}\${_CRYPT}{{22}}',                               # Apache MD5
    rf'\$(?:y|gy|7)\${_CRYPT}+\${_CRYPT}+(?:\${_CRYPT}+)?',                    # yescrypt, scrypt
    r'\$(?:pbkdf2(?:-sha\d+)?|scrypt)\$[^$\s]+\$[^$\s]+\$[^$\s]+',             # passlib
    r'(?:pbkdf2_sha\d+|bcrypt_sha256|argon2|scrypt|sha1|md5)\$[^\s]{20,}',       # Django
    r'(?:pbkdf2:sha\d+|scrypt):[\d:]+\$[^$\s]+\$[0-9a-f]{32,}',                # Werkzeug
    rf'\{{(?:SSHA|SHA|SSHA256|SSHA512|SMD5|MD5|CRYPT|PBKDF2[\w-]*)\}}{_B64}{{8,}}=*',  # LDAP
)))
_HASH_START = ('$', 'pbkdf2', 'bcrypt', 'argon2', 'scrypt', 'sha1$', 'md5$', '{')
_HEX_DIGEST = re.compile(r'[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}')


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Header words that make a column *about* a credential, not the credential itself.
_NOT_A_SECRET = _words("""
count counts length len size date time timestamp at on expires expiry expiration expire expired
changed change updated update created reset policy type name hint required enabled set is has
last age strength status rotated rotation used valid ttl url uri file path field question santa
id ids email mail flag level min max number num algorithm algo scheme format method kind encoding
salt rounds iterations cost description note notes label provider providers issuer vendor
service system manager store requirement requirements
""")
#: Token names that are credentials; a bare 'token' column may be words of a text corpus.
_TOKEN_QUALIFIERS = _words("""
access auth refresh api bearer session oauth csrf xsrf github gitlab slack bot personal
app device push jwt secret security
""")
_EXTRA_CREDENTIAL_WORDS = _words("""
credential credentials passphrase passcode passwort kennwort motdepasse accesskey secretkey
clientsecret privatekey apitoken accesstoken authtoken
""")
_PLACEHOLDERS = _words("""
none null nil nan n/a na true false yes no y n t f 0 1 - -- --- redacted hidden removed unset
notset empty blank required optional default secret password passwd token apikey api_key
changeme placeholder sample dummy test todo tbd xxx
""")


class SecretHit(NamedTuple):
    secret_type: str    # detect-secrets' type ('AWS Access Key'), or PASSWORD_HASH
    secret: str         # the matched part of the value (what detect-secrets hashes); never output


_AUDITED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    'pii_hooks_audited_secrets', default=frozenset())


@contextlib.contextmanager
def skipping_audited(hashed_secrets: Iterable[str]) -> Iterator[None]:
    """Within this block, secrets whose SHA-1 is in ``hashed_secrets`` are not secrets.

    The runner passes the ``is_secret: false`` hashes a detect-secrets baseline holds
    for the file being scanned (``pii_hooks.policy.baseline``).
    """
    token = _AUDITED.set(frozenset(hashed_secrets))
    try:
        yield
    finally:
        _AUDITED.reset(token)


def hashed_secret(secret: str) -> str:
    """detect-secrets' ``hashed_secret``: unsalted SHA-1, fit for random keys only, never PII."""
    return hashlib.sha1(secret.encode('utf-8')).hexdigest()


Analyzer = Callable[[str], Iterable[str]]


@functools.lru_cache(maxsize=1)
def cell_plugins() -> tuple[tuple[str, Analyzer], ...]:
    """detect-secrets' regex plugins for cells: (secret_type, analyze_string).

    Walked from its package, not from its type-to-class mapping: that mapping also
    holds the custom plugins a process loaded (ours among them).
    """
    from detect_secrets import plugins
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.util.importlib import import_types_from_package

    def skip(attr: Any) -> bool:
        return not (inspect.isclass(attr) and issubclass(attr, RegexBasedDetector)
                    and isinstance(getattr(attr, 'secret_type', None), str)
                    and attr.__name__ not in EXCLUDED_PLUGINS)

    found: dict[str, Analyzer] = {}
    for cls in import_types_from_package(plugins, filter=skip):
        if cls.secret_type not in found:
            found[cls.secret_type] = cls().analyze_string
    # specific plugins first: a Cloudant URL is also 'user:password@'
    return tuple(sorted(found.items(), key=lambda item: (item[0] in _GENERIC, item[0])))


@functools.lru_cache(maxsize=1)
def _value_filters() -> tuple[Callable[[str], bool], ...]:
    """detect-secrets' filters that judge a secret by itself (True: not a secret)."""
    from detect_secrets.filters import heuristic
    return (heuristic.is_sequential_string, heuristic.is_potential_uuid,
            heuristic.is_templated_secret, heuristic.is_not_alphanumeric_string, _is_example)


def _is_example(secret: str) -> bool:
    # AWS's documented keys end in EXAMPLE / EXAMPLEKEY; docs and tests use the same
    return 'example' in secret.lower()


@functools.lru_cache(maxsize=1)
def _keyword_pattern() -> re.Pattern[str]:
    from detect_secrets.plugins.keyword import DENYLIST
    # whole words only: 'secret' names a credential, 'secretary' does not
    return re.compile(r'(?:^|_)(?:' + '|'.join(DENYLIST) + r')s?(?:_|$)')


_CREDENTIAL_HINT = re.compile(r'pass|pwd|secret|key|token|contras|cred|auth|kennw|motdep')


@functools.lru_cache(maxsize=4096)
def header_kind(header: str) -> str | None:
    """'credential' (values are secrets), 'token' (random values are), or None."""
    key = normalise(header)
    if not key or not _CREDENTIAL_HINT.search(key.replace(' ', '')):
        return None        # most headers: decided without importing detect-secrets
    words = key.split()
    if _NOT_A_SECRET.intersection(words):
        return None
    joined = '_'.join(words)
    if (_keyword_pattern().search(joined) or _EXTRA_CREDENTIAL_WORDS.intersection(words)
            or ''.join(words) in _EXTRA_CREDENTIAL_WORDS):
        return 'credential'
    if any(w == 'token' or w == 'tokens' for w in words):
        return 'credential' if _TOKEN_QUALIFIERS.intersection(words) else 'token'
    if any(w.endswith('token') and w[:-5] in _TOKEN_QUALIFIERS for w in words):
        return 'credential'
    return None


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _filtered(secret: str) -> bool:
    return any(check(secret) for check in _value_filters())


def _plugin_hits(text: str) -> Iterator[SecretHit]:
    for secret_type, analyze in cell_plugins():
        for secret in analyze(text):
            if secret and not _filtered(secret):
                yield SecretHit(secret_type, secret)


def _keyword_value(value: str, kind: str) -> bool:
    """A value under a credential header that is a credential, not a flag or placeholder."""
    low = value.lower()
    if low in _PLACEHOLDERS or low.startswith(('your', '<', '{', '${', '%(')):
        return False
    if kind == 'token':
        return (len(value) >= _MIN_TOKEN and not any(ch.isspace() for ch in value)
                and any(ch.isdigit() for ch in value) and any(ch.isalpha() for ch in value)
                and _entropy(value) >= _TOKEN_ENTROPY and not _filtered(value))
    if len(value) < _MIN_KEYWORD:
        return False
    from detect_secrets.filters import heuristic
    return not (heuristic.is_templated_secret(value) or heuristic.is_not_alphanumeric_string(value)
                or heuristic.is_sequential_string(value) or _is_example(value))


def _candidates(value: str, header: str) -> Iterator[SecretHit]:
    if value.startswith(_HASH_START) and _PASSWORD_HASH.fullmatch(value):
        yield SecretHit(PASSWORD_HASH, value)
        return
    kind = header_kind(header) if header else None
    if (len(value) >= _MIN_BARE or kind) and _GATE.search(value):
        yield from _plugin_hits(value)
    if kind is None:
        return
    quote = "'" if '"' in value else '"'
    # the header stands in for the key of a 'key = value' line (AWS secret keys, IBM, ...)
    yield from _plugin_hits(f'{header} = {quote}{value}{quote}')
    if _keyword_value(value, kind):
        is_digest = kind == 'credential' and _HEX_DIGEST.fullmatch(value) is not None
        yield SecretHit(PASSWORD_HASH if is_digest else SECRET_KEYWORD, value)


def find_secret(value: str, header: str = '') -> SecretHit | None:
    """The first secret in a cell value, skipping secrets audited as false positives."""
    text = value.strip()
    if not text:
        return None
    audited = _AUDITED.get()
    for hit in _candidates(text, header):
        if audited and hashed_secret(hit.secret) in audited:
            continue
        return hit
    return None


def classify_secret(value: str, header: str = '') -> str | None:
    """The detect-secrets type of the secret a cell holds ('AWS Access Key'), or None.

    Call it only for values no PII detector claimed: an e-mail address is PII,
    not a secret.  Cheap for ordinary cells (a length check and a cached header
    lookup); a candidate runs detect-secrets' regex plugins (about 10 us).
    """
    hit = find_secret(value, header)
    return hit.secret_type if hit else None
