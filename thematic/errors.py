"""The numbered error catalogue.

Every problem a user can cause has one entry here: a number, the exit status it maps to,
and a message template that says what went wrong, where (file, row, column) and how to fix
it. Library code raises ``ThematicError("E012", path=..., row=...)``; the CLI turns it into
one ``Error: ...`` line and the exit status. Numbers are never reused.

Ranges: E001–E099 project, store and corpus import; E100–E149 codebooks; E150–E199 coding;
E200–E249 agreement; E250–E299 topics and themes; E300–E349 network; E350–E399 report;
E400–E449 audit and trace; E450–E499 REFI-QDA.
"""

from __future__ import annotations

USAGE = 2  # bad usage or bad input
CHECK = 1  # a check found problems

CATALOGUE: dict[str, tuple[int, str]] = {
    # --- project, store, corpus import (E001–E099) ---------------------------------------
    "E001": (USAGE, "No thematic project in {path} or any folder above it. "
                    "Run `thematic init DIR`, or pass --project DIR / set THEMATIC_PROJECT."),
    "E002": (USAGE, "{path} is already a thematic project. Use it as it is, or choose "
                    "another folder."),
    "E003": (USAGE, "{path} is not a thematic project (no .thematic/project.db). "
                    "Run `thematic init {path}` first."),
    "E004": (USAGE, "The project database {path} has schema version {found}, newer than this "
                    "thematic ({known}). Upgrade thematic: pip install -U thematic."),
    "E005": (USAGE, "The project database is busy (another thematic command is writing) and "
                    "stayed busy for {seconds:g} s. Wait for it to finish, then run the "
                    "command again."),
    "E006": (USAGE, "The disk filled up while writing {path}; nothing was changed. Free some "
                    "space and run the command again."),
    "E010": (USAGE, "{path} does not exist. Check the path (it is relative to {cwd})."),
    "E011": (USAGE, "{path} is empty. Export the sheet again, with a header row and at least "
                    "one data row."),
    "E012": (USAGE, "{path} has a header row but no data rows. Export the sheet again with its "
                    "data."),
    "E013": (USAGE, "{path}: no column {column!r} (use {flag}). Columns in the file: "
                    "{columns}."),
    "E014": (USAGE, "{path}, row {row}: id {value!r} is used again (first at row {first}). "
                    "Ids must be unique; fix the sheet or choose another --id-column."),
    "E015": (USAGE, "{path}, row {row}, column {column!r}: study {value!r} is not in the "
                    "project. Import the studies first (`thematic import studies FILE`) or pass "
                    "--create-sources."),
    "E016": (USAGE, "{path}: cannot decode the bytes at row {row} (byte {offset}) as "
                    "{encoding}. Save the file as UTF-8, or pass --encoding (e.g. cp1252, "
                    "utf-16)."),
    "E017": (USAGE, "{path} is not an Excel workbook: it {looks}. Rename it to the right "
                    "extension or pass --format {suggest}."),
    "E018": (USAGE, "{path}: unsupported file type {suffix!r}. Supported: {supported}."),
    "E019": (USAGE, "{path}: {count} file(s) of unsupported types in the folder "
                    "({examples}). Pass the supported files by name or glob, or add "
                    "--skip-unsupported."),
    "E020": (USAGE, "{path}, line {row}: not valid JSON ({detail}). Each line of a .jsonl "
                    "file must be one JSON object."),
    "E021": (USAGE, "{path}, row {row}, column {column!r}: {problem}. {fix}"),
    "E022": (USAGE, "{path}: sheet {sheet!r} not found. Sheets in the workbook: {sheets}."),
    "E023": (USAGE, "{path}: the file looks binary (NUL bytes near byte {offset}), not text. "
                    "Export it as CSV/TSV, XLSX, JSONL, TXT, Markdown or DOCX."),
    "E024": (USAGE, "{path}: the document has no text to import. Check that it is not a "
                    "scanned image or an empty file."),
    "E025": (USAGE, "Import interrupted; nothing from {path} was saved. Run the command again."),
    "E026": (USAGE, "{path}: cannot read the file ({detail}). Check that it is a valid "
                    "{kind} file and not open in another program."),
    "E030": (USAGE, "No excerpt {value!r}.{suggest} List them with `thematic excerpts list`."),
    "E031": (USAGE, "No study {value!r}.{suggest} List them with `thematic studies list`."),
    "E040": (USAGE, "{option}: {problem}"),
    "E041": (USAGE, "Folder {path} is not writable. Choose another output path (--out)."),
    "E050": (USAGE, "Demo step {step!r} failed: {detail}"),
    # --- codebooks (E100–E149) ---------------------------------------------------------
    # --- coding (E150–E199) ------------------------------------------------------------
    # --- agreement (E200–E249) ---------------------------------------------------------
    # --- topics and themes (E250–E299) -------------------------------------------------
    # --- network (E300–E349) -----------------------------------------------------------
    # --- report (E350–E399) ------------------------------------------------------------
    # --- audit and trace (E400–E449) ---------------------------------------------------
    # --- REFI-QDA (E450–E499) ----------------------------------------------------------
}


class ThematicError(Exception):
    """A problem the user can fix; ``code`` is its number in the catalogue."""

    def __init__(self, code: str, **fields: object) -> None:
        exit_code, template = CATALOGUE[code]
        self.code = code
        self.exit_code = exit_code
        self.fields = fields
        self.message = template.format(**fields)
        super().__init__(f"[{code}] {self.message}")


def nearest(value: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """' Did you mean X?' for the closest choice, or '' when none is close."""
    import difflib

    match = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" Did you mean {match[0]!r}?" if match else ""
