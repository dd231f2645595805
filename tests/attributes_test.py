"""Sensitive attribute values: a column's values confirm or contradict its header."""
from __future__ import annotations

import pytest

from pii_hooks.detect.attributes import (
    ATTRIBUTE_CATEGORIES,
    attribute_share,
    attribute_value,
    is_neutral,
    normalise,
)
from pii_hooks.detect.headers import classify_header

FITS = [
    ('gender', ['M', 'F', 'Male', 'female', 'X', 'Non-binary', 'Hombre', 'Mujer', 'Femme',
                'Männlich', 'weiblich', 'divers', 'Homem', 'Mulher', 'Donna', 'Vrouw']),
    ('sexual_orientation', ['Heterosexual', 'Gay', 'Lesbian', 'Bisexual', 'Straight', 'Queer',
                            'Lesbiana', 'Homosexuel', 'Schwul', 'Bissexual']),
    ('religion', ['Roman Catholic', 'Muslim', 'Jewish', 'Hindu', 'Buddhist', 'Atheist', 'Sikh',
                  'Evangélico', 'Católica', 'Musulman', 'Katholisch', 'konfessionslos',
                  'Espírita', 'Cattolico', 'Moslim', 'Baptist church member']),
    ('ethnicity', ['White', 'Black or African American', 'Hispanic or Latino', 'Asian',
                   'American Indian or Alaska Native', 'Two or more races', 'Parda', 'Mestizo',
                   'Métisse', 'Not Hispanic or Latino']),
    ('nationality', ['GUATEMALA', 'El Salvador', 'Honduras', 'Mexican', 'mexicano', 'HND',
                     'MX', 'Viet Nam', 'Deutschland', 'Allemagne', 'Alemanha', 'Messico',
                     'Duitsland', 'Syrian', 'afghane', 'Venezuelan']),
    ('immigration_status', ['Pending', 'Asylum granted', 'Removal ordered', 'Credible fear',
                            'Positive credible fear', 'Detained', 'Parole', 'Released on bond',
                            'In absentia order', 'Asilo concedido', 'Deportado', 'Débouté',
                            'Abgeschoben', 'Duldung', 'Asylum granted by IJ on appeal']),
    ('health', ['Y', 'N', 'Yes', 'No', 'Positive', 'Negative', 'A+', 'O-', 'AB+', 'E11.9',
                'J45', 'Sí', 'Oui', 'Ja', 'Type 2 diabetes', 'Asthma (mild)']),
]


@pytest.mark.parametrize(('category', 'values'), FITS)
def test_values_fit_their_attribute(category: str, values: list[str]) -> None:
    misses = [v for v in values if not attribute_value(category, v)]
    assert not misses
    assert attribute_share(category, values) == 1.0


CONTRADICTS = [
    ('gender', ['S', 'M', 'L', 'XL', 'XXL']),               # clothing sizes under 'Size/Sex'
    ('gender', ['Fiction', 'Drama', 'Comedy', 'Horror']),   # 'Genre'
    ('ethnicity', ['5K', '10K', 'Half marathon', 'Marathon']),   # a 'Race' column of runs
    ('religion', ['1 cent', '5 cents', '10 cents', '25 cents']),  # 'Denomination' of coins
    ('nationality', ['Widget', 'Gadget', 'Sprocket', 'Gizmo']),
    ('immigration_status', ['Shipped', 'Delivered', 'In transit', 'Returned']),
    ('health', ['Lorem ipsum dolor sit amet', 'Blue', 'Green', 'Square']),
    ('sexual_orientation', ['Portrait', 'Landscape']),       # page 'Orientation'
]


@pytest.mark.parametrize(('category', 'values'), CONTRADICTS)
def test_values_of_something_else(category: str, values: list[str]) -> None:
    assert attribute_share(category, values) <= 0.25


def test_neutral_values_are_left_out() -> None:
    assert is_neutral('Unknown') and is_neutral('N/A') and is_neutral('Prefer not to say')
    assert is_neutral('') and is_neutral('  ')
    assert attribute_share('gender', ['F', 'Unknown', 'Declined', None, 'M']) == 1.0
    assert attribute_share('gender', ['Unknown', 'N/A']) == 0.0
    assert attribute_share('religion', []) == 0.0


def test_iso_codes_only_as_codes() -> None:
    assert attribute_value('nationality', 'IT') and attribute_value('nationality', 'GTM')
    assert not attribute_value('nationality', 'it')      # the English word
    assert not attribute_value('nationality', 'ZZZ')


def test_unknown_category_and_long_text() -> None:
    assert not attribute_value('ssn', 'Male')
    assert not attribute_value('gender', 'female ' * 40)
    wanted = {'gender', 'nationality', 'immigration_status', 'religion', 'ethnicity', 'health'}
    assert wanted <= ATTRIBUTE_CATEGORIES


def test_every_attribute_category_is_a_header_category() -> None:
    for category in ATTRIBUTE_CATEGORIES:
        assert classify_header(category.replace('_', ' ')) is not None or category == 'health'


@pytest.mark.parametrize(('value', 'key'), [
    ('Non-Binary', 'non binary'), ('U.S. Citizen', 'u s citizen'), ('MÉXICO', 'mexico'),
    ('Männlich', 'mannlich'), ('  Asylum   granted ', 'asylum granted'),
])
def test_normalise(value: str, key: str) -> None:
    assert normalise(value) == key
