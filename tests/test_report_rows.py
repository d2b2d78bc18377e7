"""The report's long lists are written by Python filters (thematic/report/rows.py) instead of
Jinja loops: the output is byte for byte what the loops wrote, hostile data included."""

from __future__ import annotations

import pytest

from thematic.report.render import _tidy, environment

# The loops as the templates had them before the filters replaced them.
MACROS = """\
{%- macro study(ref) -%}
{%- if ref %}[{{ ref.citation }}](#{{ ref.anchor }}){% else %}(study unknown){% endif -%}
{%- endmacro %}
{%- macro excerpt(ref) -%}
[{{ ref.id }}](#{{ ref.anchor }})
{%- endmacro %}
"""
LOOPS = MACROS + """\
S: {% for ref in studies %}{{ study(ref) }}{% if not loop.last %}, {% endif %}{% endfor %}.
E: {% for ref in refs %}{{ excerpt(ref) }}{% if not loop.last %}, {% endif %}{% endfor %}.
### Excerpt → study

{% for e in entries %}
- <a id="{{ e.anchor }}"></a>**{{ e.id }}** ({{ study(e.study) }}{% if e.file %}; {{ e.file }}{% endif %}{% if e.location %}, {{ e.location }}{% endif %}): {{ e.text }}{% if e.codes %} — codes: {{ e.codes|join(", ") }}.{% endif %}

{% else %}
No excerpt is quoted or listed in this report.
{% endfor %}
end
"""
FILTERS = """\
S: {{ studies|study_links }}.
E: {{ refs|excerpt_links }}.
### Excerpt → study

{% if entries %}
{{ entries|appendix_entries }}
{% else %}
No excerpt is quoted or listed in this report.
{% endif %}
end
"""

HOSTILE = ["F_1", "_x_", "a<!--b", "c-->d", "{{ x }}", "p|q", "`tick`", "# head", "- item",
           "1. one", ":smile:", "*em* and __strong__", "line\nbreak", "  padded  ", "\\back",
           "&amp;", "<script>", "[link](#x)", "", "=", "F001"]


def _entries(texts: list[str]) -> list[dict]:
    out = []
    for i, text in enumerate(texts):
        study = None if i % 5 == 4 else {"id": str(i), "anchor": f"study-{text[:3]}",
                                          "citation": f"{text} 20{i:02d}"}
        out.append({"id": text or "F", "anchor": f"excerpt-{text}", "study": study,
                    "text": f"{text} says {text}", "file": None if i % 3 else f"c/{text}.csv",
                    "location": "" if i % 4 == 1 else f"row {i}, {text}",
                    "codes": [] if i % 2 else [text, "code_b", "c|d"]})
    return out


@pytest.mark.parametrize("texts", [HOSTILE, [], ["F001"]])
def test_filters_write_what_the_loops_wrote(texts):
    env = environment()
    entries = _entries(texts)
    context = {"refs": entries, "studies": [e["study"] for e in entries],
               "entries": entries}
    before = env.from_string(LOOPS).render(**context)
    after = env.from_string(FILTERS).render(**context)
    assert _tidy(after) == _tidy(before)
    if texts == HOSTILE:
        assert "a\\<!--b" in after and "p\\|q" in after


def _columns(entries: list[dict]):
    """The entries as the report holds them: Ref references and appendix columns."""
    from types import SimpleNamespace

    from thematic.report.rows import Entries, Ref

    refs = [Ref(id=e["id"], anchor=e["anchor"], study=e["study"]) for e in entries]
    found = [SimpleNamespace(text=e["text"], location=e["location"], file=e["file"])
             for e in entries]
    return refs, Entries([e["id"] for e in entries], refs, found,
                         [e["codes"] for e in entries],
                         [("t1", [e["id"] for e in entries]), ("t2", [])])


@pytest.mark.parametrize("texts", [HOSTILE, [], ["F001"]])
def test_columns_write_what_the_dicts_wrote(texts):
    env = environment()
    entries = _entries(texts)
    refs, columns = _columns(entries)
    plain = {"refs": entries, "studies": [e["study"] for e in entries], "entries": entries}
    held = {"refs": refs, "studies": [e["study"] for e in entries], "entries": columns}
    expected = env.from_string(FILTERS).render(**plain)
    assert env.from_string(FILTERS).render(**held) == expected
    # a second time: the links each reference kept
    assert env.from_string(FILTERS).render(**held) == expected


def test_columns_are_the_documented_dicts_to_a_template():
    entries = _entries(["F_1", "a|b"])
    _, columns = _columns(entries)
    env = environment()
    text = env.from_string("{{ entries|length }}: {% for e in entries %}{{ e.id }} "
                           "{{ e.themes|join('+') }} {{ e.text }}; {% endfor %}"
                           "{{ entries[0].location }}").render(entries=columns)
    assert text == "2: F_1 t1 F_1 says F_1; a\\|b t1 a\\|b says a\\|b; row 0, F_1"
    assert list(columns) == [{**e, "themes": ["t1"]} for e in entries]


def test_a_reference_changed_by_a_template_is_linked_as_changed():
    refs, _ = _columns(_entries(["F001"]))
    env = environment()
    assert env.from_string("{{ refs|excerpt_links }}").render(refs=refs) == \
        "[F001](#excerpt-F001)"
    refs[0]["id"] = "F002"
    assert env.from_string("{{ refs|excerpt_links }}").render(refs=refs) == \
        "[F002](#excerpt-F001)"
