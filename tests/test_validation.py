"""The knowledge checkers: one test per kind of finding, with the exact message.

Each bad case is the good fixture folder copied into tmp_path with one file
written or replaced, so the expected `path:line:col` can be read off the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.findings import Finding, Level
from bot.knowledge import parse_folder
from bot.knowledge.validation import CHECKERS, INTERNAL, validate, validate_parsed

GOOD = Path(__file__).parent / "fixtures" / "good"
TODAY = dt.date(2025, 6, 1)

# A valid faq file to drop into a folder; its question has no twin in GOOD.
VALID_FILE = """\
topic: tax
entries:
  - id: property-tax
    questions: {nb: [eiendomsskatt], en: [property tax], de: [Grundsteuer]}
    answer: Se kommunens nettside.
"""


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A copy of the good folder with `files` (relative path -> content) written into it."""
    root = tmp_path / "knowledge"
    shutil.copytree(GOOD, root)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def findings(root: Path) -> list[str]:
    return [str(f) for f in validate(root, today=TODAY)]


def check(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    return findings(folder(tmp_path, files))


# --------------------------------------------------------------------------- the good folder


def test_the_good_folder_has_no_findings():
    assert findings(GOOD) == []


def test_findings_are_sorted_and_unique(tmp_path):
    root = folder(tmp_path, {"faq/common/a.yaml": "entries: 5\n", "faq/common/b.yaml": "- x\n"})
    result = validate(root, today=TODAY)
    assert result == sorted(set(result))
    assert all(isinstance(f, Finding) for f in result)


# --------------------------------------------------------------------------- region.yaml


def test_unknown_keys_in_region_yaml_suggest_the_close_one(tmp_path):
    assert check(tmp_path, {"region.yaml": """\
        id: test-region
        name: {nb: Testregion, en: Test region, de: Testregion}
        languages: [nb, en, de]
        language: nb
        contact: post@example.no
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, de: Schule}
        municipalities:
          - id: bardu
            name: Bardu
            alias: [Setermoen]
          - id: senja
            name: Senja
            homepage: https://www.senja.kommune.no
        """}) == [
        "region.yaml:4:1: error: unknown key 'language' in region.yaml; did you mean 'languages'?",
        "region.yaml:5:1: error: unknown key 'contact' in region.yaml; remove it or use one of: "
        "id, name, languages, topics, municipalities",
        "region.yaml:12:5: error: unknown key 'alias' in municipality 'bardu'; did you mean 'aliases'?",
        "region.yaml:15:5: error: unknown key 'homepage' in municipality 'senja'; remove it or use "
        "one of: id, name, aliases, website",
    ]


def test_ids_in_region_yaml_must_be_lowercase_digits_and_dashes(tmp_path):
    assert check(tmp_path, {"region.yaml": """\
        id: Test Region
        name: {nb: Testregion, en: Test region, de: Testregion}
        languages: [nb, en, de]
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, de: Schule}
          Family Life: {nb: Familie, en: Family, de: Familie}
        municipalities:
          - id: bardu
            name: Bardu
          - id: senja
            name: Senja
          - id: Dyrøy
            name: Dyrøy
        """}) == [
        "region.yaml:1:5: error: region id 'Test Region' may only hold lowercase letters, digits "
        "and '-'; write it as 'test-region'",
        "region.yaml:7:3: error: topic id 'Family Life' may only hold lowercase letters, digits "
        "and '-'; write it as 'family-life'",
        "region.yaml:13:9: error: municipality id 'Dyrøy' may only hold lowercase letters, digits "
        "and '-'; write it as 'dyroy'",
    ]


def test_duplicate_municipality_ids_topic_ids_and_languages(tmp_path):
    # A topic id twice is a key twice in one mapping: the loader reports it.
    assert check(tmp_path, {"region.yaml": """\
        id: test-region
        name: {nb: Testregion, en: Test region, de: Testregion}
        languages: [nb, en, de, en]
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, de: Schule}
          tax: {nb: Skatt, en: Taxes, de: Steuern}
        municipalities:
          - id: bardu
            name: Bardu
          - id: senja
            name: Senja
          - id: bardu
            name: Bardu kommune
          - id: common
            name: Felles
        """}) == [
        "region.yaml:3:25: error: language 'en' is listed twice in languages; remove one of them",
        "region.yaml:7:3: error: key 'tax' appears twice here; keep one of them",
        "region.yaml:13:9: error: municipality id 'bardu' is already used at region.yaml:9; give "
        "each municipality its own id",
        "region.yaml:15:9: error: municipality id 'common' is taken by faq/common/, the entries for "
        "every municipality; choose another id",
    ]


def test_a_name_or_alias_shared_by_two_municipalities(tmp_path):
    assert check(tmp_path, {"region.yaml": """\
        id: test-region
        name: {nb: Testregion, en: Test region, de: Testregion}
        languages: [nb, en, de]
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, de: Schule}
        municipalities:
          - id: bardu
            name: Bardu
            aliases: [Setermoen, Finnsnes]
          - id: senja
            name: {nb: Senja, en: Senja, de: Senja}
            aliases: [FINNSNES, Silsand, Bardu]
        """}) == [
        "region.yaml:13:15: error: the name 'FINNSNES' of municipality 'senja' is also a name of "
        "municipality 'bardu' (region.yaml:10); a name can point to one municipality only: remove "
        "it from one of them",
        "region.yaml:13:34: error: the name 'Bardu' of municipality 'senja' is also a name of "
        "municipality 'bardu' (region.yaml:9); a name can point to one municipality only: remove "
        "it from one of them",
    ]


def test_missing_translations_of_names_are_warnings(tmp_path):
    # `name: Bardu` is one name for every language: no warning for it.
    assert check(tmp_path, {"region.yaml": """\
        id: test-region
        name: {nb: Testregion, en: Test region}
        languages: [nb, en, de]
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, dk: Skole}
        municipalities:
          - id: bardu
            name: Bardu
          - id: senja
            name: {nb: Senja, en: ""}
          - id: dyroy
        """}) == [
        "region.yaml:2:7: warning: the region has no name in 'de'; add de: … to its name",
        "region.yaml:6:12: warning: topic 'schools' has no name in 'de'; add de: … to its name",
        "region.yaml:6:36: error: the name of topic 'schools' has a text in 'dk', which is not a "
        "language of region.yaml (nb, en, de); remove it or add the language to languages",
        "region.yaml:11:11: warning: municipality 'senja' has no name in 'de'; add de: … to its name",
        "region.yaml:11:11: warning: municipality 'senja' has no name in 'en'; add en: … to its name",
        "region.yaml:12:5: warning: municipality 'dyroy' has no name; add one: a text, "
        "or {nb: …, en: …, de: …}",
    ]


def test_a_municipality_website_must_be_a_web_address(tmp_path):
    assert check(tmp_path, {"region.yaml": """\
        id: test-region
        name: {nb: Testregion, en: Test region, de: Testregion}
        languages: [nb, en, de]
        topics:
          tax: {nb: Skatt, en: Tax, de: Steuern}
          schools: {nb: Skole, en: School, de: Schule}
        municipalities:
          - id: bardu
            name: Bardu
            website: www.bardu.kommune.no
          - id: senja
            name: Senja
            website: senja kommune
        """}) == [
        "region.yaml:10:14: error: the website 'www.bardu.kommune.no' of municipality 'bardu' is not "
        "a web address; write it as https://www.bardu.kommune.no",
        "region.yaml:13:14: error: the website 'senja kommune' of municipality 'senja' is not a web "
        "address; write it as https://…",
    ]


# --------------------------------------------------------------------------- faq files


def test_the_folder_must_be_common_or_a_municipality_id(tmp_path):
    assert check(tmp_path, {"faq/bardy/local.yaml": VALID_FILE,
                            "faq/tromso/local.yaml": VALID_FILE}) == [
        "faq/bardy/local.yaml:1:1: error: the folder faq/bardy/ is neither 'common' nor a "
        "municipality id of region.yaml (common, bardu, senja); did you mean faq/bardu/?",
        "faq/tromso/local.yaml:1:1: error: the folder faq/tromso/ is neither 'common' nor a "
        "municipality id of region.yaml (common, bardu, senja); rename the folder or add the "
        "municipality to region.yaml",
    ]


def test_unknown_keys_in_faq_files_suggest_the_close_one(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entry: []
        entries:
          - id: tax-deduction
            question: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
            link: https://www.skatteetaten.no
            note: ask NAV too
        """}) == [
        "faq/common/work.yaml:2:1: error: unknown key 'entry' at the top of the file; "
        "did you mean 'entries'?",
        "faq/common/work.yaml:4:5: error: entry 'tax-deduction' has no questions; add 'questions:' "
        "with a list of ways people ask, per language",
        "faq/common/work.yaml:5:5: error: unknown key 'question' in entry 'tax-deduction'; "
        "did you mean 'questions'?",
        "faq/common/work.yaml:7:5: error: unknown key 'link' in entry 'tax-deduction'; "
        "did you mean 'links'?",
        "faq/common/work.yaml:8:5: error: unknown key 'note' in entry 'tax-deduction'; remove it or "
        "use one of: id, topic, questions, answer, links, reviewed, web",
    ]


def test_a_topic_must_be_a_topic_of_the_region(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: taxes
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
          - id: school-meals
            topic: food
            questions: {nb: [skolemat], en: [school meals], de: [Schulessen]}
            answer: Spør skolen.
          - id: school-trips
            topic: [schools]
            questions: {nb: [skoletur], en: [school trips], de: [Klassenfahrt]}
            answer: Spør skolen.
        """}) == [
        "faq/common/work.yaml:1:8: error: topic 'taxes' at the top of the file is not a topic of "
        "region.yaml; did you mean 'tax'?",
        "faq/common/work.yaml:7:12: error: topic 'food' of entry 'school-meals' is not a topic of "
        "region.yaml; use one of: tax, schools, or add it to topics in region.yaml",
        "faq/common/work.yaml:11:12: error: the topic of entry 'school-trips' must be one topic id, "
        "e.g. topic: tax, not a list",
    ]


def test_an_entry_needs_a_topic_from_itself_or_its_file(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
          - id: school-meals
            topic: schools
            questions: {nb: [skolemat], en: [school meals], de: [Schulessen]}
            answer: Spør skolen.
        """}) == [
        "faq/common/work.yaml:2:5: error: entry 'tax-deduction' has no topic; add 'topic: …' at the "
        "top of the file or to the entry",
    ]


def test_entry_ids_must_be_lowercase_digits_and_dashes(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: Tax Deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
          - id: skatt_2
            questions: {nb: [skattetrekk], en: [tax withholding], de: [Lohnsteuer]}
            answer: Se skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:3:9: error: entry id 'Tax Deduction' may only hold lowercase letters, "
        "digits and '-'; write it as 'tax-deduction'",
        "faq/common/work.yaml:6:9: error: entry id 'skatt_2' may only hold lowercase letters, "
        "digits and '-'; write it as 'skatt-2'",
    ]


def test_duplicate_ids_in_one_scope_name_the_first(tmp_path):
    # tax-card is also in faq/common/tax.yaml:3 (same scope: an error) and may be
    # reused in a municipality folder (an override: fine).
    assert check(tmp_path, {
        "faq/common/work.yaml": """\
            topic: tax
            entries:
              - id: tax-card
                questions: {nb: [skattetrekk], en: [tax withholding], de: [Steuerabzug]}
                answer: Se skatteetaten.no.
              - id: job-search
                questions: {nb: [jobbsøk], en: [job search], de: [Jobsuche]}
                answer: Se nav.no.
              - id: job-search
                questions: {nb: [ledige stillinger], en: [vacancies], de: [offene Stellen]}
                answer: Se nav.no.
            """,
        "faq/senja/tax.yaml": """\
            topic: tax
            entries:
              - id: tax-card
                questions: {nb: [skattekort Senja], en: [tax card Senja], de: [Steuerkarte Senja]}
                answer: Se skatteetaten.no.
            """,
    }) == [
        "faq/common/work.yaml:3:9: error: entry id 'tax-card' is already used by the entry at "
        "faq/common/tax.yaml:3; ids must be unique within faq/common/: rename one of them",
        "faq/common/work.yaml:9:9: error: entry id 'job-search' is already used by the entry at "
        "faq/common/work.yaml:6; ids must be unique within faq/common/: rename one of them",
    ]


def test_questions_and_answer_must_be_there_and_be_mappings(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: no-questions
            answer: Se skatteetaten.no.
          - id: no-answer
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
          - id: questions-as-list
            questions: [skattetrekk, tax withholding]
            answer:
          - id: questions-per-language-as-mapping
            questions:
              nb: {skattemelding: ja}
              en: [tax return form]
              de: [Steuererklärungsformular]
            answer: Se skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:3:5: error: entry 'no-questions' has no questions; add 'questions:' "
        "with a list of ways people ask, per language",
        "faq/common/work.yaml:5:5: error: entry 'no-answer' has no answer; add 'answer:' with the "
        "answer text per language",
        "faq/common/work.yaml:8:16: error: the questions of entry 'questions-as-list' must be a "
        "mapping of language to a list of questions (nb: [...]), not a list",
        "faq/common/work.yaml:9:5: error: entry 'questions-as-list' has no answer; add 'answer:' "
        "with the answer text per language",
        "faq/common/work.yaml:12:11: error: the questions of entry "
        "'questions-per-language-as-mapping' in 'nb' must be a list of texts, not a mapping",
    ]


def test_a_language_code_must_be_a_language_of_the_region(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], dee: [Steuerabzüge]}
            answer: {nb: Se skatteetaten.no., en: See skatteetaten.no., fr: Voir skatteetaten.no.}
        """}) == [
        "faq/common/work.yaml:4:16: warning: entry 'tax-deduction' has no questions in 'de'; "
        "questions asked in 'de' may not find it; add questions.de",
        "faq/common/work.yaml:4:60: error: entry 'tax-deduction' has questions in 'dee', which is "
        "not a language of region.yaml (nb, en, de); did you mean 'de'?",
        "faq/common/work.yaml:5:13: warning: entry 'tax-deduction' has no answer in 'de'; the "
        "program will answer in the fallback language 'nb'; add answer.de",
        "faq/common/work.yaml:5:65: error: entry 'tax-deduction' has an answer in 'fr', which is "
        "not a language of region.yaml (nb, en, de); use one of them or add the language to "
        "region.yaml",
    ]


def test_a_missing_language_is_a_warning(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions:
              nb: [skattefradrag]
              en: [tax deductions]
            answer:
              en: See skatteetaten.no.
              de: Siehe skatteetaten.no.
          - id: tax-office
            questions: {nb: [skattekontor], en: [tax office], de: [Finanzamt]}
            answer:
              nb: Se skatteetaten.no.
              en: See skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:5:7: warning: entry 'tax-deduction' has no questions in 'de'; "
        "questions asked in 'de' may not find it; add questions.de",
        "faq/common/work.yaml:8:7: warning: entry 'tax-deduction' has no answer in the fallback "
        "language 'nb'; add answer.nb",
        "faq/common/work.yaml:13:7: warning: entry 'tax-office' has no answer in 'de'; the program "
        "will answer in the fallback language 'nb'; add answer.de",
    ]


def test_empty_texts_are_errors(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions:
              nb: []
              en: ["", tax deductions]
              de:
            answer:
              nb: ""
              en: See skatteetaten.no.
              de: Siehe skatteetaten.no.
          - id: tax-office
            questions:
              nb: [skattekontor, "???"]
              en: [tax office]
              de: [Finanzamt]
            answer: " "
        """}) == [
        "faq/common/work.yaml:5:7: error: entry 'tax-deduction' has no questions under 'nb'; write "
        "at least one question or remove the line",
        "faq/common/work.yaml:6:12: error: question number 1 of entry 'tax-deduction' in 'en' is "
        "empty; write the question or remove the line",
        "faq/common/work.yaml:7:7: error: entry 'tax-deduction' has no questions under 'de'; write "
        "at least one question or remove the line",
        "faq/common/work.yaml:9:7: error: entry 'tax-deduction' has an empty answer in 'nb'; write "
        "the answer or remove the line",
        "faq/common/work.yaml:14:26: warning: question '???' of entry 'tax-office' has no letters or "
        "digits; the matcher cannot use it: reword it or remove it",
        "faq/common/work.yaml:17:13: error: entry 'tax-office' has an empty answer; write the answer",
    ]


def test_an_answer_must_be_plain_text(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer:
              nb:
                - Se skatteetaten.no.
                - Eller ring dem.
              en: {See: skatteetaten.no}
              de: true
          - id: tax-office
            questions: {nb: [skattekontor], en: [tax office], de: [Finanzamt]}
            answer: [Se skatteetaten.no.]
        """}) == [
        "faq/common/work.yaml:7:9: error: the answer of entry 'tax-deduction' in 'nb' is a list, not "
        "plain text; write it as one text (start it with | to keep several lines)",
        "faq/common/work.yaml:9:11: error: the answer of entry 'tax-deduction' in 'en' is a mapping, "
        "not plain text; write it as one text (start it with | to keep several lines)",
        "faq/common/work.yaml:10:11: error: the answer of entry 'tax-deduction' in 'de' is "
        "true/false, not plain text; write it as one text (start it with | to keep several lines)",
        "faq/common/work.yaml:13:13: error: the answer of entry 'tax-office' is a list, not plain "
        "text; write one text per language, e.g. nb: | and the text below it",
    ]


def test_a_question_that_is_not_text(tmp_path):
    # `- Hva er: dette` is a mapping in YAML; the hint says how to keep it a text.
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions:
              nb:
                - Fradrag: hva er det
                - [skattefradrag]
              en: [tax deductions]
              de: [Steuerabzüge]
            answer: Se skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:6:11: error: question number 1 of entry 'tax-deduction' in 'nb' must "
        "be a text, not a mapping; put quotes around a question that contains ': '",
        "faq/common/work.yaml:7:11: error: question number 2 of entry 'tax-deduction' in 'nb' must "
        "be a text, not a list",
    ]


# --------------------------------------------------------------------------- links


def test_links_must_be_web_addresses(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
            links:
              - www.skatteetaten.no
              - skatteetaten
              - ftp://skatteetaten.no
              - https://localhost/skatt
              - https://www.skatte etaten.no
              - {Skatteetaten: "https://www.skatteetaten.no"}
              - http://www.skatteetaten.no
        """}) == [
        "faq/common/work.yaml:7:9: error: link 'www.skatteetaten.no' of entry 'tax-deduction' is not "
        "a web address; write it as https://www.skatteetaten.no",
        "faq/common/work.yaml:8:9: error: link 'skatteetaten' of entry 'tax-deduction' is not a web "
        "address; write it as https://…",
        "faq/common/work.yaml:9:9: error: link 'ftp://skatteetaten.no' of entry 'tax-deduction' is "
        "not a web address; write it as https://…",
        "faq/common/work.yaml:10:9: error: link 'https://localhost/skatt' of entry 'tax-deduction' "
        "is not a web address; write it as https://…",
        "faq/common/work.yaml:11:9: error: link 'https://www.skatte etaten.no' of entry "
        "'tax-deduction' is not a web address; write it as https://…",
        "faq/common/work.yaml:12:9: error: link number 6 of entry 'tax-deduction' is not a web "
        "address; write it as https://…",
    ]


def test_links_must_be_a_list(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
            links: https://www.skatteetaten.no
        """}) == [
        "faq/common/work.yaml:6:12: error: the links of entry 'tax-deduction' must be a list, not a "
        "text; write each link on its own line starting with '- '",
    ]


# --------------------------------------------------------------------------- reviewed


def test_reviewed_must_be_a_recent_past_date(tmp_path):
    # TODAY is 2025-06-01: 2024-06-01 is exactly 365 days ago, still recent enough.
    lines = ["topic: tax", "entries:"]
    for n, (word, reviewed) in enumerate([
            ("barnehage", "2024-13-01"), ("fastlege", "March 2024"), ("tannlege", "2025-07-01"),
            ("bostøtte", "2024-01-02"), ("sykehus", "2024-05-31"), ("sykepenger", "2024-06-01"),
            ("dagpenger", "2025-06-01"), ("førerkort", "[2025, 1, 1]")]):
        lines += [f"  - id: entry-{n}",
                  f"    questions: {{nb: [{word}], en: [{word} en], de: [{word} de]}}",
                  "    answer: Svar.",
                  f"    reviewed: {reviewed}"]
    entries = "\n".join(lines[2:]) + "\n"
    assert check(tmp_path, {"faq/common/work.yaml": "topic: tax\nentries:\n" + entries}) == [
        "faq/common/work.yaml:6:15: error: reviewed '2024-13-01' of entry 'entry-0' is not a date; "
        "write it as YYYY-MM-DD, e.g. 2025-03-31",
        "faq/common/work.yaml:10:15: error: reviewed 'March 2024' of entry 'entry-1' is not a date; "
        "write it as YYYY-MM-DD, e.g. 2025-03-31",
        "faq/common/work.yaml:14:15: warning: entry 'entry-2' was reviewed on 2025-07-01, which is "
        "in the future; write the date the answer was last checked",
        "faq/common/work.yaml:18:15: warning: entry 'entry-3' was last reviewed on 2024-01-02, more "
        "than 12 months ago; check the answer and update reviewed",
        "faq/common/work.yaml:22:15: warning: entry 'entry-4' was last reviewed on 2024-05-31, more "
        "than 12 months ago; check the answer and update reviewed",
        "faq/common/work.yaml:34:15: error: reviewed '[2025, 1, 1]' of entry 'entry-7' is not a "
        "date; write it as YYYY-MM-DD, e.g. 2025-03-31",
    ]


def test_today_defaults_to_the_real_date(tmp_path):
    root = folder(tmp_path, {"faq/common/work.yaml": f"""\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {{nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}}
            answer: Se skatteetaten.no.
            reviewed: {dt.date.today() + dt.timedelta(days=1)}
        """})
    messages = [f.message for f in validate(root) if f.path == "faq/common/work.yaml"]
    assert len(messages) == 1 and "in the future" in messages[0]


# --------------------------------------------------------------------------- same questions


def test_the_same_question_twice_in_common(tmp_path):
    # tax.yaml:6 asks "Hvordan får jeg skattekort?", tax.yaml:11 "Wie bekomme ich eine Steuerkarte?"
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: work-tax
            questions:
              nb: [hvordan far jeg SKATTEKORT]
              en: [tax card for work]
              de: [Wie bekomme ich meine Steuerkarte]
            answer: Se skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:5:12: warning: question 'hvordan far jeg SKATTEKORT' of entry "
        "'work-tax' is the same as or very close to question 'Hvordan får jeg skattekort?' of entry "
        "'tax-card' (faq/common/tax.yaml:6); the matcher cannot tell them apart: reword one or "
        "remove it",
        "faq/common/work.yaml:7:12: warning: question 'Wie bekomme ich meine Steuerkarte' of entry "
        "'work-tax' is the same as or very close to question 'Wie bekomme ich eine Steuerkarte?' of "
        "entry 'tax-card' (faq/common/tax.yaml:11); the matcher cannot tell them apart: reword one "
        "or remove it",
    ]


def test_the_same_question_twice_in_one_municipality(tmp_path):
    # faq/bardu/schools.yaml:25 asks "Går det skolebuss fra Setermoen?" under school-bus.
    assert check(tmp_path, {"faq/bardu/transport.yaml": """\
        topic: schools
        entries:
          - id: bus-card
            questions:
              nb:
                - Går det skolebuss fra Sætermoen?
              en: [bus card]
              de: [Buskarte]
            answer: Ring Bardu kommune.
        """}) == [
        "faq/bardu/transport.yaml:6:11: warning: question 'Går det skolebuss fra Sætermoen?' of "
        "entry 'bus-card' is the same as or very close to question 'Går det skolebuss fra "
        "Setermoen?' of entry 'school-bus' (faq/bardu/schools.yaml:25); the matcher cannot tell "
        "them apart: reword one or remove it",
    ]


def test_a_municipality_question_against_a_common_one_with_another_id(tmp_path):
    # faq/common/schools.yaml:19 asks "Hvordan søker jeg barnehageplass?" under
    # kindergarten-place; the Bardu entry has another id, so both answer in Bardu.
    # The warning sits at the Bardu question: the common entry is fine elsewhere.
    assert check(tmp_path, {"faq/bardu/kindergarten.yaml": """\
        topic: schools
        entries:
          - id: kindergarten-bardu
            questions:
              nb: [Hvordan søker jeg barnehageplass]
              en: [kindergarten in Bardu]
              de: [Kindergarten in Bardu]
            answer: Søk på bardu.kommune.no.
        """}) == [
        "faq/bardu/kindergarten.yaml:5:12: warning: question 'Hvordan søker jeg barnehageplass' of "
        "entry 'kindergarten-bardu' is the same as or very close to question 'Hvordan søker jeg "
        "barnehageplass?' of entry 'kindergarten-place' (faq/common/schools.yaml:19); the matcher "
        "cannot tell them apart: reword one or remove it",
    ]


def test_questions_never_visible_together_may_be_the_same(tmp_path):
    # Senja: an override of kindergarten-place (same id as common), the same question
    # as Bardu's school-bus (another municipality), and two variants of one entry.
    assert check(tmp_path, {"faq/senja/schools.yaml": """\
        topic: schools
        entries:
          - id: school-bus
            questions:
              nb:
                - Går det skolebuss fra Setermoen?
                - Går det skolebuss fra Setermoen
              en:
                - Is there a school bus from Setermoen?
              de:
                - Gibt es einen Schulbus ab Setermoen?
            answer: Ring Senja kommune.
          - id: kindergarten-place
            questions:
              nb:
                - Hvordan søker jeg barnehageplass?
              en:
                - How do I apply for a kindergarten place?
              de:
                - Wie beantrage ich einen Kindergartenplatz?
            answer: Søk på senja.kommune.no.
        """}) == []


def test_overlaps_are_found_among_thousands_of_questions(tmp_path):
    # 3000 questions of random letters (far apart) and one planted near-twin.
    lines = ["topic: tax", "entries:"]
    for n in range(1000):
        words = [hashlib.sha256(f"{n}-{lang}".encode()).hexdigest()[:24] for lang in "abc"]
        lines += [f"  - id: entry-{n}",
                  f"    questions: {{nb: [x{words[0]}], en: [x{words[1]}], de: [x{words[2]}]}}",
                  "    answer: Svar."]
    twin = lines[3 + 3 * 500].split("nb: [")[1].split("]")[0] + "z"  # entry-500's nb question
    lines += ["  - id: twin", f"    questions: {{nb: [{twin}], en: [twin], de: [Zwilling]}}",
              "    answer: Svar."]
    root = folder(tmp_path, {"faq/common/generated.yaml": "\n".join(lines) + "\n"})
    overlaps = [f for f in validate(root, today=TODAY) if "cannot tell them apart" in f.message]
    assert [(f.path, f.line) for f in overlaps] == [("faq/common/generated.yaml", 3004)]
    assert "of entry 'entry-500' (faq/common/generated.yaml:1504)" in overlaps[0].message


# --------------------------------------------------------------------------- found by the loader


def test_a_yaml_syntax_error(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Merk: se skatteetaten.no.
        """}) == [
        "faq/common/work.yaml:5:17: error: YAML syntax error: mapping values are not allowed here; "
        "a text with ': ' in it needs quotes around it",
    ]


def test_a_duplicate_key(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": """\
        topic: tax
        entries:
          - id: tax-deduction
            questions: {nb: [skattefradrag], en: [tax deductions], de: [Steuerabzüge]}
            answer: Se skatteetaten.no.
            answer: Ring skatteetaten.
        """}) == [
        "faq/common/work.yaml:6:5: error: key 'answer' appears twice here; keep one of them",
    ]


def test_a_file_that_is_not_utf8(tmp_path):
    latin1 = VALID_FILE.replace("Se kommunens", "Sjå kommunens").encode("latin-1")
    assert check(tmp_path, {"faq/common/work.yaml": latin1}) == [
        "faq/common/work.yaml:1:1: error: the file is not UTF-8 text (byte 131); save it as UTF-8",
    ]


def test_a_control_character(tmp_path):
    assert check(tmp_path, {"faq/common/work.yaml": "topic: tax\nentries: \x00\n"}) == [
        "faq/common/work.yaml:2:10: error: the file contains the control character #x0000, which "
        "YAML does not allow; delete it",
    ]


def test_faq_files_are_checked_even_when_region_yaml_is_broken(tmp_path):
    assert check(tmp_path, {"region.yaml": "id: test-region\nlanguages: nb\ntopics: {tax: Skatt, schools: Skole}\n"
                                           "municipalities: [{id: bardu}, {id: senja}]\n",
                            "faq/common/work.yaml": "topic: tax\nentries: many\n"}) == [
        "faq/common/work.yaml:2:10: error: 'entries' must be a list; start each entry with '- id: …'",
        "region.yaml:2:12: error: languages must be a list of language codes, the fallback first, "
        "e.g. [nb, en, de]",
    ]


# --------------------------------------------------------------------------- robustness


GARBAGE_REGIONS = [
    "- a\n- b\n",
    "42\n",
    "just text\n",
    "",
    "!!binary aGVsbG8=\n",
    "languages: nb\n",
    "languages: [{nb: x}, [en]]\n",
    "languages: [nb, nb, 3, null]\nid: [x]\nname: {nb: [x], en: {a: b}, xx: null}\n",
    "languages: [nb]\ntopics: [tax]\nmunicipalities: {bardu: x}\n",
    "languages: [nb]\ntopics: {tax: [Skatt], 1: x, schools: null}\nmunicipalities: "
    "[[bardu], 5, null, {id: [x]}, {id: 7}, {name: x}]\n",
    "languages: [nb]\nmunicipalities: [{id: bardu, name: [x], aliases: x, website: [y]},"
    " {id: senja, aliases: [[x], {a: b}, null, '', true, 1.5], website: 'http://[::1'}]\n",
    "a: &x [*x]\n",
    "languages: [nb]\nid: !!int abc\ntopics: {tax: !!float x}\n",
    "[" * 3000 + "]" * 3000 + "\n",
]

GARBAGE_FAQS = [
    "- a\n",
    "42\n",
    "text\n",
    "",
    "entries: text\n",
    "entries: {a: b}\n",
    "entries: []\n",
    "entries: [[a], 5, null, '']\n",
    "topic: [a]\nentries:\n  - id: [x]\n  - id: ''\n  - {}\n",
    "topic: {a: b}\nentries:\n  - id: x\n    questions: [a, b]\n    answer: [a]\n"
    "    links: {a: b}\n    reviewed: [2024]\n    topic: {a: b}\n",
    "entries:\n  - id: x\n    questions: {nb: {a: b}, en: 5, de: [[a], {b: c}, null, true], "
    "'': x, 7: [y]}\n    answer: {nb: [a], en: {a: b}, de: null, 5: x}\n"
    "    links: [1, [a], {b: c}, null, 'http://[::1', 'https://x.no:99999']\n"
    "    reviewed: 2024-02-30\n",
    "entries:\n  - id: x\n    questions:\n    answer:\n    links:\n    reviewed:\n    topic:\n",
    "topic: tax\nentries:\n  - {id: x, questions: {nb: '🙂'}, answer: !!binary aGVsbG8=, "
    "reviewed: !!int abc}\n",
    "entries:\n- id: x\n  questions: {nb: [.nan, .inf, 1e400, -0]}\n  answer: .nan\n"
    "  reviewed: 20240101\n",
    "entries:\n- &e {id: x, questions: {nb: [a]}, answer: b}\n- *e\n- {<<: *e, id: y}\n",
    "? [a]\n: b\nentries: [{? {x: y} : z}]\n",
]


@pytest.mark.parametrize("text", GARBAGE_REGIONS)
def test_a_garbage_region_gives_findings_not_exceptions(tmp_path, capsys, text):
    result = validate(folder(tmp_path, {"region.yaml": text}), today=TODAY)
    assert result
    assert not [f for f in result if f.path == INTERNAL]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("text", GARBAGE_FAQS)
def test_a_garbage_faq_file_gives_findings_not_exceptions(tmp_path, capsys, text):
    result = validate(folder(tmp_path, {"faq/common/work.yaml": text}), today=TODAY)
    assert [f for f in result if f.path == "faq/common/work.yaml"]
    assert not [f for f in result if f.path == INTERNAL]
    assert capsys.readouterr() == ("", "")


def test_every_garbage_faq_file_at_once(tmp_path):
    files = {f"faq/{scope}/garbage-{n}.yaml": text
             for n, text in enumerate(GARBAGE_FAQS) for scope in ("common", "bardu", "nowhere")}
    result = validate(folder(tmp_path, files), today=TODAY)
    assert not [f for f in result if f.path == INTERNAL]


KEYS = st.sampled_from(["id", "name", "languages", "topics", "municipalities", "aliases",
                        "website", "topic", "entries", "questions", "answer", "links",
                        "reviewed", "nb", "en", "de", "bardu", "tax"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.dates().map(str)
           | st.sampled_from(["", " ", "tax", "nb", "bardu", "https://www.nav.no", "www.nav.no",
                              "2024-01-02", "Hvordan får jeg skattekort?"])
           | st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS | st.text(max_size=5), inner, max_size=5),
                      max_leaves=25)
ENTRY = st.dictionaries(KEYS, VALUES, max_size=7)


def dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VALUES | st.fixed_dictionaries({"languages": VALUES, "topics": VALUES,
                                       "municipalities": st.lists(ENTRY, max_size=3)}))
def test_any_region_yaml_gives_findings_not_exceptions(tmp_path, data):
    root = tmp_path / "knowledge"
    if not root.exists():
        shutil.copytree(GOOD, root)
    (root / "region.yaml").write_text(dump(data), encoding="utf-8")
    assert not [f for f in validate(root, today=TODAY) if f.path == INTERNAL]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VALUES | st.fixed_dictionaries({"topic": VALUES, "entries": st.lists(ENTRY, max_size=4)}))
def test_any_faq_file_gives_findings_not_exceptions(tmp_path, data):
    root = tmp_path / "knowledge"
    if not root.exists():
        shutil.copytree(GOOD, root)
    (root / "faq" / "bardu" / "random.yaml").write_text(dump(data), encoding="utf-8")
    assert not [f for f in validate(root, today=TODAY) if f.path == INTERNAL]


def test_a_crashing_checker_becomes_a_finding_and_the_others_still_run():
    def check_that_crashes(ctx):
        yield Finding("region.yaml", 1, 1, Level.WARNING, "found before the crash")
        raise KeyError("oops")

    result = validate_parsed(parse_folder(GOOD), TODAY, [check_that_crashes, *CHECKERS])
    assert [str(f) for f in result] == [
        "<validator>:1:1: error: the check check_that_crashes stopped with KeyError: 'oops'; this is "
        "a bug in the program, not in the knowledge files: please report it",
        "region.yaml:1:1: warning: found before the crash",
    ]


# --------------------------------------------------------------------------- all together


def test_all_problems_of_a_folder_are_reported_together(tmp_path):
    assert check(tmp_path, {
        "region.yaml": """\
            id: test-region
            name: {nb: Testregion, en: Test region, de: Testregion}
            languages: [nb, en, de]
            topics:
              tax: {nb: Skatt, en: Tax, de: Steuern}
              schools: {nb: Skole, en: School, de: Schule}
            municipalities:
              - id: bardu
                name: Bardu
                aliases: [Setermoen]
              - id: senja
                name: Senja
                aliasses: [Finnsnes]
            """,
        "faq/common/work.yaml": """\
            topic: jobs
            entries:
              - id: job-search
                questions: {nb: [jobbsøk], en: [job search]}
                answer: Se nav.no.
                links: [nav.no]
                reviewed: 2023-05-01
            """,
        "faq/bardu/broken.yaml": "topic: schools\nentries:\n  - id: x\n\tanswer: y\n",
        "faq/senja/notes.txt": "not read\n",
    }) == [
        "faq/bardu/broken.yaml:4:1: error: YAML syntax error: found character '\\t' that cannot "
        "start any token; indent with spaces, not tabs",
        "faq/common/work.yaml:1:8: error: topic 'jobs' at the top of the file is not a topic of "
        "region.yaml; use one of: tax, schools, or add it to topics in region.yaml",
        "faq/common/work.yaml:4:16: warning: entry 'job-search' has no questions in 'de'; questions "
        "asked in 'de' may not find it; add questions.de",
        "faq/common/work.yaml:6:13: error: link 'nav.no' of entry 'job-search' is not a web "
        "address; write it as https://nav.no",
        "faq/common/work.yaml:7:15: warning: entry 'job-search' was last reviewed on 2023-05-01, "
        "more than 12 months ago; check the answer and update reviewed",
        "faq/senja/notes.txt:1:1: warning: this file is not read: only .yaml files count in faq/",
        "region.yaml:13:5: error: unknown key 'aliasses' in municipality 'senja'; did you mean "
        "'aliases'?",
    ]


def test_a_comma_inside_a_flow_mapping_gets_a_quoting_hint(tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(GOOD, folder)
    region = folder / "region.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace(
        "tax: {nb: Skatt, en: Tax, de: Steuern}", "tax: {nb: Skatt, avgift, en: Tax, de: Steuern}"),
        encoding="utf-8")
    found = [str(f) for f in validate(folder, today=TODAY) if f.path == "region.yaml"]
    assert found == ["region.yaml:6:20: error: the name of topic 'tax' has a comma inside { … }, so "
                     "'avgift' was read as a language; put the text in quotes: nb: \"…, …\""]
