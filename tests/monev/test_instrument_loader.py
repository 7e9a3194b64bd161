import hashlib
from fractions import Fraction
from pathlib import Path

import pytest

from monev.instrument_loader import (
    DEFAULT_INSTRUMENTS_DIR,
    InstrumentError,
    indicator_sort_key,
    load_all_instruments,
    load_instrument,
)

# Weights and indicator counts per component, in order, as instrument-draft.yaml gives them
# (khusus-2018 and the non-koleksi sekolah-2018 counts are Simpul's choice; see each file's provenance).
SHIPPED = {
    "khusus-2018": ([20, 15, 25, 20, 15, 5], [20, 24, 15, 8, 12, 5]),
    "khusus-2022": ([15, 10, 20, 15, 10, 15, 5, 5, 5], [14, 14, 11, 10, 7, 5, 5, 2, 4]),
    "perguruan-tinggi-2018": ([20, 15, 25, 20, 15, 5], [26, 33, 19, 9, 12, 6]),
    "perguruan-tinggi-2022": ([15, 10, 20, 15, 10, 15, 5, 5, 5], [18, 15, 15, 10, 9, 6, 5, 4, 4]),
    "sekolah-2018": ([20, 15, 25, 20, 15, 5], [20, 21, 12, 7, 9, 5]),
}

VALID = """\
code: uji-2024
name: Instrumen Uji
library_type: khusus
year: 2024
legal_basis: Peraturan uji
provenance: dibuat untuk pengujian
components:
  - code: koleksi
    name: Koleksi
    weight: 60
    indicators:
      - code: "1.1"
        text: Jumlah judul buku tercetak
        options:
          a: opsi a 1.1
          b: opsi b 1.1
          c: opsi c 1.1
          d: opsi d 1.1
          e: opsi e 1.1
        evidence: Laporan jumlah judul
        wording: unverified
      - code: "1.2"
        text: Cacah ulang koleksi
        options:
          a: opsi a 1.2
          b: opsi b 1.2
          c: opsi c 1.2
          d: opsi d 1.2
          e: opsi e 1.2
  - code: tenaga
    name: Tenaga Perpustakaan
    weight: 40
    indicators:
      - code: "2.1"
        text: Kualifikasi kepala perpustakaan
        options:
          a: opsi a 2.1
          b: opsi b 2.1
          c: opsi c 2.1
          d: opsi d 2.1
          e: opsi e 2.1
"""


def write(tmp_path: Path, text: str, name: str = "uji-2024.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing needle."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def load_error(tmp_path: Path, text: str) -> InstrumentError:
    with pytest.raises(InstrumentError) as caught:
        load_instrument(write(tmp_path, text))
    return caught.value


def test_valid_file_loads_into_components_indicators_and_options(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID))

    assert instrument.code == "uji-2024"
    assert [component.code for component in instrument.components] == ["koleksi", "tenaga"]
    assert instrument.components[0].weight == Fraction(60)
    assert [indicator.code for indicator in instrument.iter_indicators()] == ["1.1", "1.2", "2.1"]
    first = instrument.indicator("1.1")
    assert first.component_code == "koleksi"
    assert first.evidence == "Laporan jumlah judul"
    assert first.wording_unverified
    assert first.line == line_of(VALID, 'code: "1.1"')


def test_options_are_worth_five_to_one_points_from_a_to_e(tmp_path):
    indicator = load_instrument(write(tmp_path, VALID)).indicator("1.2")

    assert [(option.letter, option.points) for option in indicator.options] == [
        ("a", 5),
        ("b", 4),
        ("c", 3),
        ("d", 2),
        ("e", 1),
    ]
    assert indicator.option("c").text == "opsi c 1.2"


def test_weights_summing_to_99_are_rejected_at_the_components_line(tmp_path):
    text = VALID.replace("weight: 40", "weight: 39")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "components:")
    assert "sum to 99" in error.reason
    assert "must sum to 100" in error.reason
    assert str(error).startswith(f"uji-2024.yaml:{error.line}: ")


def test_weights_with_decimals_summing_exactly_to_100_are_accepted(tmp_path):
    text = VALID.replace("weight: 60", "weight: 33.3").replace("weight: 40", "weight: 66.7")

    instrument = load_instrument(write(tmp_path, text))

    assert instrument.components[0].weight == Fraction(333, 10)


def test_indicator_with_four_options_is_rejected_at_its_options_line(tmp_path):
    text = VALID.replace("          e: opsi e 1.2\n", "")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "a: opsi a 1.2")
    assert "indicator 1.2 must have exactly five options a–e, found 4" in error.reason
    assert "missing e" in error.reason


def test_option_letter_outside_a_to_e_is_rejected(tmp_path):
    text = VALID.replace("e: opsi e 2.1", "f: opsi f 2.1")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "a: opsi a 2.1")
    assert "unexpected f" in error.reason


def test_option_without_text_is_rejected_at_the_option_line(tmp_path):
    text = VALID.replace("c: opsi c 1.1", 'c: ""')

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, 'c: ""')
    assert "indicator 1.1 option c needs text" in error.reason


def test_duplicate_component_code_is_rejected_at_the_second_occurrence(tmp_path):
    text = VALID.replace("code: tenaga", "code: koleksi")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "code: koleksi", occurrence=2)
    assert f"first on line {line_of(text, 'code: koleksi')}" in error.reason


def test_indicator_code_reused_in_another_component_is_rejected(tmp_path):
    text = VALID.replace('code: "2.1"', 'code: "1.1"')

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, 'code: "1.1"', occurrence=2)
    assert "indicator code '1.1' is used twice" in error.reason


def test_unquoted_indicator_code_is_rejected_because_yaml_reads_a_number(tmp_path):
    text = VALID.replace('code: "1.2"', "code: 1.2")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "code: 1.2")
    assert 'write "1.2"' in error.reason


def test_missing_required_key_is_named(tmp_path):
    text = VALID.replace("        text: Cacah ulang koleksi\n", "")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, 'code: "1.2"')
    assert "missing required key(s): text" in error.reason


def test_misspelt_required_key_is_reported_as_missing(tmp_path):
    text = VALID.replace("weight: 40", "weigth: 40")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "code: tenaga")
    assert "missing required key(s): weight" in error.reason


def test_unknown_extra_key_is_rejected_at_its_line(tmp_path):
    text = VALID.replace(
        "        evidence: Laporan jumlah judul\n", "        evidance: Laporan jumlah judul\n"
    )

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "evidance:")
    assert "unknown key 'evidance'" in error.reason


@pytest.mark.parametrize("weight", ["0", "-5", '"empat puluh"', "true"])
def test_weight_that_is_not_a_positive_number_is_rejected(tmp_path, weight):
    text = VALID.replace("weight: 40", f"weight: {weight}")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, f"weight: {weight}")
    assert "component 'tenaga' weight must be" in error.reason


def test_key_written_twice_is_rejected_instead_of_silently_overwritten(tmp_path):
    text = VALID.replace("d: opsi d 2.1", "a: opsi a lagi")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "a: opsi a lagi")
    assert f"'a' appears twice (first on line {line_of(text, 'a: opsi a 2.1')})" in error.reason


def test_unknown_library_type_is_rejected(tmp_path):
    text = VALID.replace("library_type: khusus", "library_type: umum")

    error = load_error(tmp_path, text)

    assert error.line == line_of(text, "library_type:")
    assert "perguruan_tinggi" in error.reason


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    text = VALID.replace("text: Cacah ulang koleksi", "text: [Cacah ulang koleksi")

    error = load_error(tmp_path, text)

    assert error.line is not None
    assert error.line >= line_of(text, "text: [Cacah")
    assert "not valid YAML" in error.reason


def test_empty_file_is_rejected(tmp_path):
    error = load_error(tmp_path, "")

    assert "must be a mapping" in error.reason


def test_missing_file_is_reported_as_instrument_error(tmp_path):
    with pytest.raises(InstrumentError, match="cannot read the file"):
        load_instrument(tmp_path / "tidak-ada.yaml")


def test_content_hash_is_the_sha256_of_the_file_bytes_and_changes_on_edit(tmp_path):
    path = write(tmp_path, VALID)
    before = load_instrument(path).content_hash

    path.write_text(
        VALID.replace("Cacah ulang koleksi", "Cacah ulang (stock opname) koleksi"), encoding="utf-8"
    )
    after = load_instrument(path).content_hash

    assert before == hashlib.sha256(VALID.encode("utf-8")).hexdigest()
    assert after != before


def test_load_all_rejects_two_files_with_the_same_instrument_code(tmp_path):
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")

    with pytest.raises(InstrumentError, match=r"already used by a\.yaml"):
        load_all_instruments(tmp_path)


def test_indicator_codes_sort_naturally():
    assert sorted(["1.10", "1.2", "2.1", "1.1"], key=indicator_sort_key) == ["1.1", "1.2", "1.10", "2.1"]


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_shipped_instrument_loads_with_the_drafts_weights_and_counts(code):
    path = DEFAULT_INSTRUMENTS_DIR / f"{code}.yaml"

    instrument = load_instrument(path)

    weights, counts = SHIPPED[code]
    assert instrument.code == code
    assert [component.weight for component in instrument.components] == weights
    assert [component.indicator_count for component in instrument.components] == counts
    assert instrument.library_type in code.replace("-", "_")


def test_shipped_directory_holds_exactly_the_expected_instruments():
    assert sorted(load_all_instruments()) == sorted(SHIPPED)


def test_khusus_2022_has_72_indicators_in_six_main_and_three_supporting_components():
    instrument = load_all_instruments()["khusus-2022"]

    assert instrument.indicator_count == 72
    assert [component.group for component in instrument.components] == ["utama"] * 6 + ["pendukung"] * 3


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_shipped_indicator_states_where_its_wording_comes_from(code):
    instrument = load_all_instruments()[code]

    for indicator in instrument.iter_indicators():
        assert indicator.wording in {"quoted", "unverified"}, indicator.code
        assert indicator.evidence, indicator.code
        if indicator.wording == "quoted":
            assert indicator.source, indicator.code
