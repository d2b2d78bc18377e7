"""Issue 18: `agree ratings` on awkward but valid sheets — negative values, huge values,
and category labels that look like missing-value codes."""

from __future__ import annotations

import json

import pytest

from thematic.agreement.ratings import measure_ratings, read_ratings

SMALL = "unit,a,b\n1,1,2\n2,3,3\n3,5,4\n4,2,2\n"


def alphas(tmp_path, text: str, **kwargs) -> dict:
    path = tmp_path / "r.csv"
    path.write_text(text)
    report = measure_ratings(read_ratings(path, **kwargs), ["nominal", "interval", "ratio"],
                             n_boot=0)
    return {k: f.to_dict() for k, f in report.alpha.items()}


def test_huge_values_give_the_same_alpha_as_their_scaled_copy(tmp_path):
    small = alphas(tmp_path, SMALL)
    huge = alphas(tmp_path, "unit,a,b\n1,1e200,2e200\n2,3e200,3e200\n3,5e200,4e200\n"
                            "4,2e200,2e200\n")
    for scale in ("interval", "ratio"):
        assert huge[scale]["value"] == pytest.approx(small[scale]["value"], rel=1e-12)


def test_negative_values_make_ratio_alpha_not_applicable_not_an_error(run, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(SMALL.replace("1,1,2", "1,-1,-2"))
    result = run("agree", "ratings", "--boot", "0", "--json", path)
    assert result.exit_code == 0, result.output
    alpha = json.loads(result.output)["alpha"]
    assert alpha["ratio"]["value"] is None
    assert alpha["ratio"]["reason"] == (
        "not applicable: ratio-level alpha needs non-negative values (a ratio scale has a "
        "true zero; measure these on the interval scale)")
    assert alpha["interval"]["value"] is not None


SCREENING = "unit,a,b\n1,N/A,N/A\n2,include,N/A\n3,include,include\n4,exclude,exclude\n"


def test_na_is_a_category_by_default(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(SCREENING)
    ratings = read_ratings(path)
    assert ratings.values == [["N/A", "include", "include", "exclude"],
                              ["N/A", "N/A", "include", "exclude"]]


@pytest.mark.parametrize("missing", [("N/A",), ("n/a", "NA"), ("NA", "N/A", ".", "*", "nan")])
def test_named_missing_tokens_are_missing(tmp_path, missing):
    path = tmp_path / "r.csv"
    path.write_text(SCREENING)
    ratings = read_ratings(path, missing=missing)
    assert ratings.values == [[None, "include", "include", "exclude"],
                              [None, None, "include", "exclude"]]


def test_missing_option_is_stated_in_help_and_works(run, tmp_path):
    help_text = " ".join(run("agree", "ratings", "--help").output.split())
    assert "By default only an empty cell is missing, so a label such as N/A is a category" \
        in help_text
    path = tmp_path / "r.csv"
    path.write_text(SCREENING)
    default = json.loads(run("agree", "ratings", "--boot", "0", "--json", path).output)
    common = json.loads(run("agree", "ratings", "--boot", "0", "--json", "--missing",
                            "common", path).output)
    assert default["alpha"]["nominal"]["n_units"] == 4
    assert common["alpha"]["nominal"]["n_units"] == 2
