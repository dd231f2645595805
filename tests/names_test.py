"""Person names by value: recall over synthetic names of eleven locales, and what is not a name.

Faker generates the names we measure against; the name lists themselves come from census
and birth-name data (benchmarks/build_names.py), never from Faker, so the measure is fair.
"""
from __future__ import annotations

import gzip
import importlib.resources
from collections.abc import Sequence

import pytest
from faker import Faker

from pii_hooks.detect.names import (
    GIVEN_WORD,
    NAME,
    NAME_WORD,
    RARE_NAME_WORD,
    WORD,
    fold,
    lists,
    looks_like_name,
    romanise_devanagari,
    token_kind,
)


def share(values: Sequence[str]) -> float:
    return sum(map(looks_like_name, values)) / len(values)


def faker_values(locale: str, kind: str, count: int = 200) -> list[str]:
    fake = Faker(locale)
    fake.seed_instance(20240601)
    return [str(getattr(fake, kind)()) for _ in range(count)]


@pytest.mark.parametrize('value', [
    'Jane Doe', 'DOE, Jane', 'María José García-López', "O'Brien", "Sean O'Brien",
    'Nguyen Van An', 'J. Smith', 'John Smith', 'JOHN SMITH', 'GARCIA LOPEZ, MARIA',
    'Dr. Anna Schmidt', 'Mme Françoise Gauthier', 'Ludwig van Beethoven Jr.',
    'Rose Brown', 'Will Taylor', 'Lê Văn Tâm', 'Trần Thị Hạnh', 'Ana Paula dos Santos',
    'Giuseppe Verdi', 'Wojciech Kowalski', 'Priya Sharma', 'Mohammed Al Hassan',
    'Zhang Wei', '王秀英', '欧阳娜娜', '김민준', 'राहुल जैन', 'श्री सुरेश शर्मा', 'De Luca',
])
def test_person_names(value: str) -> None:
    assert looks_like_name(value)


@pytest.mark.parametrize('value', [
    # products, places, companies, titles, sentences, codes
    'Blue Widget', 'Green Tea Latte', 'Apple iPhone 12', 'Jackson Heights', 'New York',
    'San Jose', 'Los Angeles', 'Rio de Janeiro', 'Mexico City', 'Ford Motor Company',
    'Johnson & Johnson', 'Smith-Myers', 'Garcia LLC', 'Senior Software Engineer',
    'Marketing Manager', 'The Rise of Modern Science', 'Climate Change Threatens Coastal Cities',
    'please call me back tomorrow', 'USA', 'NYC', 'ACME-42', 'ABC123', 'Burgos', 'Smith',
    'john.smith@example.com', 'https://example.org', '2021-03-04', '12345', 'N/A',
    'Rose Garden', 'Golden Apple', 'Honey Mustard', 'Johnson Overpass', 'Saint-Martin-sur-Loire',
    'La Paz', 'El Paso', 'Maria', '北京市', '上海大学', '서울시', 'x', '',
])
def test_not_person_names(value: str) -> None:
    assert not looks_like_name(value)


# Share of 200 Faker names each locale must reach.  zh_CN is hanzi (judged by a Chinese
# surname list), hi_IN is Devanagari (romanised, then judged), vi_VN has honorifics.
RECALL = {'en_US': 0.97, 'es_ES': 0.88, 'fr_FR': 0.93, 'de_DE': 0.93, 'pt_BR': 0.88,
          'it_IT': 0.9, 'nl_NL': 0.85, 'pl_PL': 0.88, 'vi_VN': 0.85, 'hi_IN': 0.75,
          'zh_CN': 0.95, 'en_IN': 0.85, 'ko_KR': 0.85}


@pytest.mark.parametrize(('locale', 'floor'), sorted(RECALL.items()))
def test_recall_over_faker_names(locale: str, floor: float) -> None:
    assert share(faker_values(locale, 'name')) >= floor


# Share of other columns that must stay low: a column needs 60% to read as names.
FALSE_ALARM = [
    ('en_US', 'city', 0.05), ('en_US', 'company', 0.05), ('en_US', 'job', 0.05),
    ('es_ES', 'city', 0.05), ('es_ES', 'company', 0.05), ('es_ES', 'job', 0.05),
    ('fr_FR', 'city', 0.1), ('fr_FR', 'company', 0.1), ('fr_FR', 'job', 0.05),
    ('de_DE', 'city', 0.1), ('de_DE', 'company', 0.1), ('de_DE', 'job', 0.05),
    ('pt_BR', 'city', 0.4), ('pt_BR', 'company', 0.1), ('it_IT', 'city', 0.25),
    ('nl_NL', 'city', 0.1), ('nl_NL', 'company', 0.1), ('en_US', 'catch_phrase', 0.02),
    ('en_US', 'street_name', 0.1), ('en_US', 'sentence', 0.0),
]


@pytest.mark.parametrize(('locale', 'kind', 'ceiling'), FALSE_ALARM)
def test_other_columns_rarely_look_like_names(locale: str, kind: str, ceiling: float) -> None:
    assert share(faker_values(locale, kind)) <= ceiling


PRODUCTS = [
    'Blue Widget', 'Red Stapler', 'Organic Green Tea', 'Wireless Mouse', 'Espresso Machine',
    'Running Shoes', 'Leather Wallet', 'Coffee Mug', 'Desk Lamp', 'Yoga Mat', 'Water Bottle',
    'Bluetooth Speaker', 'Gaming Keyboard', 'Office Chair', 'Travel Backpack', 'Golden Apple',
    'Cherry Blossom Candle', 'Mountain Bike', 'Cotton T-Shirt', 'Silver Necklace',
    'Chocolate Cake', 'Summer Dress', 'Winter Jacket', 'Garden Hose', 'Rose Shampoo',
    'Vanilla Ice Cream', 'Honey Mustard', 'Olive Oil', 'Paper Towels', 'Phone Charger',
]


def test_products_do_not_look_like_names() -> None:
    assert share(PRODUCTS) <= 0.05


def test_tokens_that_are_words_need_company() -> None:
    assert token_kind('garcia') in (NAME, NAME_WORD)
    assert token_kind('rose') == GIVEN_WORD
    assert token_kind('honey') == RARE_NAME_WORD        # a name, but a word first
    assert token_kind('heights') == WORD
    assert not looks_like_name('Rose')          # one name-word alone is a flower
    assert looks_like_name('Rose Garcia')


@pytest.mark.parametrize(('token', 'folded'), [
    ('García', 'garcia'), ('Đặng', 'dang'), ("O'Brien", 'obrien'), ('Müller', 'muller'),
    ('Łukasz', 'lukasz'), ('Søren', 'soren'), ('Straße', 'strasse'),
])
def test_fold(token: str, folded: str) -> None:
    assert fold(token) == folded


@pytest.mark.parametrize(('word', 'spelling'), [
    ('शर्मा', 'sharma'), ('राहुल', 'rahul'), ('आदित्य', 'aditya'), ('चोपरा', 'chopra'),
    ('तिवारी', 'tiwari'), ('सिंह', 'singh'), ('रेड्डी', 'reddy'), ('मुख़र्जी', 'mukharji'),
])
def test_romanise_devanagari(word: str, spelling: str) -> None:
    assert spelling in romanise_devanagari(word)


def test_name_data_is_compact_and_documented() -> None:
    resource = importlib.resources.files('pii_hooks.detect').joinpath('data/names.txt.gz')
    raw = resource.read_bytes()
    assert len(raw) < 400_000
    head = gzip.decompress(raw).decode('utf-8').splitlines()[:6]
    assert any('Census' in line for line in head)
    assert any('Not built from Faker' in line for line in head)
    found = lists()
    assert sum(1 for _ in found.given) > 20_000 and sum(1 for _ in found.family) > 40_000
    assert all(w in found.words for w in ('will', 'may', 'green', 'brown'))  # names, words too
    assert '王' in found.chinese and '김' in found.korean


def test_token_lists_answer_alike_by_search_and_by_set() -> None:
    import random

    from pii_hooks.detect import names
    raw = importlib.resources.files('pii_hooks.detect').joinpath('data/names.txt.gz').read_bytes()
    sections = dict(s.partition('\n')[::2]
                    for s in gzip.decompress(raw).decode('utf-8').split('\n@')[1:])
    rng = random.Random(4)
    for kind in 'gfwp':
        members = [t for t in sections[kind].split('\n') if t]
        assert members == sorted(members)           # build_names.py writes them sorted
        probes = rng.sample(members, 200) + [m + 'q' for m in rng.sample(members, 200)] + [
            members[0], members[-1], '', 'a', 'zzzzzz', '\n', 'ab\ncd', 'é', '\uffff']
        fresh = names.Tokens('\n'.join(members))
        by_search = [p in fresh for p in probes[:names._BISECT_QUERIES]]
        by_set = [p in set(members) for p in probes[:names._BISECT_QUERIES]]
        assert by_search == by_set
        assert all((p in fresh) == (p in set(members) and p != '') for p in probes)
        assert fresh._found is not None                 # switched to the set on the way
    assert 1 not in names.Tokens('a\nb') and 'b' in names.Tokens('a\nb')


def test_japanese_given_name_first_and_kana() -> None:
    for value in ('太郎 鈴木', '直人 吉田', 'くみ子 佐々木', '佐々木 くみ子', '莉奈 佐藤',
                  'こじろう 田中'):
        assert looks_like_name(value), value
    for value in ('横浜 市役所', '横浜市 田中', '渋谷区 鈴木', '東京 都庁', 'ください 山田署'):
        assert not looks_like_name(value), value


def test_japanese_family_name_first() -> None:
    from pii_hooks.detect.names import looks_like_name
    assert looks_like_name('鈴木 太郎') and looks_like_name('山下, 拓真')
    assert not looks_like_name('東京 都庁')
