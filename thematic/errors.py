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
    "E100": (USAGE, "{path}, {unit} {line}: {message}{more} List every problem with "
                    "`thematic codebook validate {path}`, fix them and load again."),
    "E101": (USAGE, "{path} is {size}, over the {limit} limit for a codebook. A codebook is a "
                    "few hundred kilobytes at most; check that this is the right file."),
    "E102": (USAGE, "{path}, line {line}: YAML {what} are not accepted in a codebook (they can "
                    "run code or expand into gigabytes). Write the value out in full."),
    "E103": (USAGE, "{path}, line {line}: not valid YAML: {detail}. Check the indentation and "
                    "quoting around that line."),
    "E104": (USAGE, "{path}: cannot decode the file as UTF-8 (byte {offset}). Save it as "
                    "UTF-8."),
    "E105": (USAGE, "{path}: {problem}. A codebook file holds one YAML document whose top "
                    "level is a mapping (name, version, title, codes, ...)."),
    "E106": (USAGE, "No codebook {value!r} in the project.{suggest} List the loaded ones with "
                    "`thematic codebook list`."),
    "E107": (USAGE, "Codebook {name!r} has no version #{value}. Its versions: {versions} "
                    "(see `thematic codebook list`)."),
    "E108": (USAGE, "{path}: no column {column!r}. A codebook CSV needs the columns id and "
                    "name (and usually parent and definition); its columns are: {columns}. "
                    "A codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette: export "
                    "it as REFI-QDA (.qdc) and import that."),
    "E109": (USAGE, "{path}: the file is not a codebook that thematic can read ({suffix!r}). "
                    "Give a YAML (.yaml/.yml), JSON or CSV codebook."),
    # --- coding (E150–E199) ------------------------------------------------------------
    "E150": (USAGE, "No codebook is loaded. Load one with `thematic codebook load FILE` "
                    "(e.g. codebooks/peer-support.yaml)."),
    "E151": (USAGE, "No codebook {value!r} in the project.{suggest} List the loaded ones with "
                    "`thematic codebook list`."),
    "E152": (USAGE, "Code {value!r} is not in codebook {codebook!r} (version {version})."
                    "{suggest} List the codes with `thematic codebook show {codebook}`."),
    "E153": (USAGE, "Code {value!r} of codebook {codebook!r} is a grouping that coders do not "
                    "assign. Choose one of its codes: {children}."),
    "E154": (USAGE, "Span {span!r} is not inside excerpt {excerpt!r}, whose text has "
                    "{length} characters. Give --span START:END with 0 <= START < END <= "
                    "{length}."),
    "E155": (USAGE, "{where}: codebook {codebook!r} version {version!r} is not loaded in this "
                    "project{loaded}. Load that version with `thematic codebook load FILE`, "
                    "or drop the codebook columns to use the current version."),
    "E156": (USAGE, "Code {code_id!r}, rule {rule}: {problem}. Fix the rule in the codebook and "
                    "load it again (`thematic codebook validate FILE` checks the rules)."),
    "E157": (USAGE, "--where {query!r}: {problem}.{suggest} Write FIELD=VALUE terms joined by "
                    "' and ' (fields: id, source, text~WORDS, or an excerpt or study "
                    "attribute such as section or design), e.g. "
                    "--where 'source=15 and section=Barriers'."),
    "E158": (USAGE, "{path}: cannot tell the shape of the file from its columns ({columns}). "
                    "Give a long CSV (excerpt, code[, coder, start, end, memo]), a wide CSV "
                    "(excerpt + one 0/1 column per code), a list CSV (excerpt or finding_id + "
                    "codes separated by ';') or a JSON export."),
    "E159": (USAGE, "{path}, row {row}: {problem}.{suggest} {fix}"),
    "E160": (USAGE, "No coder named for {what}. Pass --coder NAME (or add a coder column)."),
    "E161": (USAGE, "No {what} matches {detail}.{suggest} List codings with "
                    "`thematic code list`."),
    "E162": (USAGE, "No spaCy pipeline {value!r} is installed ({detail}). Install the "
                    "pipeline as a package, give the path of a saved pipeline, or leave out "
                    "--model to use the built-in rules pipeline."),
    "E163": (USAGE, "The semantic stage needs an embedding backend: {detail}. Install the "
                    "topic extras (pip install 'thematic[topics]') or run without --semantic."),
    "E164": (USAGE, "`thematic code review` needs an interactive terminal. Run it in a "
                    "terminal, or accept/reject proposals with `thematic code accept|reject`."),
    "E165": (USAGE, "{value!r} is not a {what}. {fix}"),
    "E166": (USAGE, "Coding {value} is {status}, not a proposal; only proposed codings can be "
                    "{action}. List proposals with `thematic code list --status proposed`."),
    # --- agreement (E200–E249) ---------------------------------------------------------
    "E200": (USAGE, "Agreement needs at least two coders, {found}. Name them with "
                    "--coders A,B (coders in the project: {coders})."),
    "E201": (USAGE, "No coder {value!r} in the project.{suggest} Coders in the project: "
                    "{coders}."),
    "E202": (USAGE, "Coders {coders} have reviewed no excerpt in common ({detail}). Agreement "
                    "is measured over the excerpts every compared coder reviewed: have them "
                    "review the same excerpts, or compare other coders."),
    "E203": (USAGE, "No {what} {value!r} to measure.{suggest} {fix}"),
    "E204": (USAGE, "No themes with codes of codebook {codebook!r} to measure at --level "
                    "theme. Add themes with `thematic theme add`, or use --level code."),
    "E205": (USAGE, "Coder {value!r} already has {count} coding(s) and {reviewed} reviewed "
                    "excerpt(s) in codebook {codebook!r}. Choose another name with --as, or "
                    "pass --replace to record the reconciled set again."),
    "E206": (USAGE, "{path}, row {row}: {problem}. {fix}"),
    "E207": (USAGE, "{option}: {problem}"),
    "E208": (USAGE, "Coder {value!r} is one of the coders being reconciled; record the agreed "
                    "set as a new coder (--as consensus) so the originals are kept."),
    # --- topics and themes (E250–E299) -------------------------------------------------
    "E250": (USAGE, "No theme {value!r}.{suggest} List them with `thematic theme list`."),
    "E251": (USAGE, "No topic {value} in topic run {run}.{suggest} List them with "
                    "`thematic topics list --run {run}`."),
    "E252": (USAGE, "No topic run {value}.{suggest} Run `thematic topics` first, or list "
                    "the runs with `thematic topics runs`."),
    "E253": (USAGE, "Code {value!r} is not in codebook {codebook!r}.{suggest} List the codes "
                    "with `thematic codebook show {codebook}`."),
    "E254": (USAGE, "No codebook {value!r} in the project.{suggest} Load one with "
                    "`thematic codebook load FILE`."),
    "E255": (USAGE, "Cannot merge theme {value!r} into itself. Name the theme(s) to merge and "
                    "a different theme to merge them into."),
    "E256": (USAGE, "A theme named {value!r} already exists ({theme!r}). Choose another name, "
                    "or rename or merge the existing theme."),
    "E257": (USAGE, "{option}: {problem}"),
    "E258": (USAGE, "Theme {value!r} cannot have {parent!r} as its parent: {why}. Choose "
                    "another --parent."),
    "E259": (USAGE, "Cannot split theme {theme!r}: {problem}. Give each part as "
                    "--into 'Name=code1,code2' using the theme's codes ({codes})."),
    "E260": (USAGE, "Topic {topic} of run {run} is already accepted as theme {theme!r}. "
                    "Show it with `thematic theme show {theme}`, or merge themes instead."),
    "E261": (USAGE, "The project has no codebook yet, so codes {codes} cannot be checked. "
                    "Load one with `thematic codebook load FILE` first."),
    "E270": (USAGE, "Too few texts for a topic model: {count} {unit}(s), and at least "
                    "{minimum} are needed ({why}). Import more "
                    "findings, use --unit sentence, or lower --min-topic-size."),
    "E271": (USAGE, "{path} is not a sentence-transformers model folder ({why}). Give a folder "
                    "holding config.json and the model weights (as saved by "
                    "SentenceTransformer.save), or use --embeddings minilm or tfidf."),
    "E272": (USAGE, "Unknown embedding backend {value!r}: neither a backend name ({known}) "
                    "nor an existing folder.{suggest}"),
    "E273": (USAGE, "{what} needs the Python package {package!r}, which is not installed. "
                    "Install the topic extras (pip install 'thematic[topics]'){alternative}."),
    "E274": (USAGE, "Topic run {run} has {count} topic(s); {what} needs at least {minimum}. "
                    "Run `thematic topics` again with a smaller --min-topic-size."),
    "E275": (USAGE, "Guided topics need a codebook with codes to seed from. Load one with "
                    "`thematic codebook load FILE`, or run without --guided."),
    "E276": (USAGE, "The embedding model at {path} could not be loaded ({detail}). Check "
                    "that the folder is complete, or use --embeddings tfidf."),
    # --- network (E300–E349) -----------------------------------------------------------
    "E300": (USAGE, "No accepted codings yet, so there is no co-occurrence to map. "
                    "{fix}"),
    "E301": (USAGE, "No themes with evidence yet, so there is no theme network to map. Make "
                    "themes from codes or topics (`thematic theme add`, `thematic theme "
                    "accept`), or map the codes instead: `thematic network --level code`."),
    "E302": (USAGE, "--weight {weight} compares co-occurrence with chance and needs at least "
                    "2 {units}, but the {level}s occur in only {n} {unit}. {fix}"),
    "E303": (USAGE, "Only {n} {level} ({names}) has evidence; a co-occurrence network needs "
                    "at least two. {fix}"),
    "E304": (USAGE, "{option} must be one of {choices}, not {value!r}.{suggest}"),
    "E305": (USAGE, "{path} is not a folder (a file of that name is in the way). Choose "
                    "another output path (--out)."),
    "E306": (USAGE, "Cannot tell the output format of {path} from its extension {suffix!r}. "
                    "Pass --format ({choices}) or end the file name in one of {extensions}."),
    "E307": (USAGE, "No accepted codings of codebook {value!r}.{suggest} Codebooks with "
                    "accepted codings: {names}."),
    # --- report (E350–E399) ------------------------------------------------------------
    "E350": (USAGE, "--template {value!r}: not a folder, not a template file, and not a "
                    "bundled template ({choices}).{suggest}"),
    "E351": (USAGE, "--template {path}: the folder has no {entry}. Put your {entry} there "
                    "(it may start with {{% extends \"default/{entry}\" %}} and override one "
                    "block), or pass the template file itself."),
    "E352": (USAGE, "{path}, line {line}: template syntax error: {detail}. Fix the template "
                    "(Jinja2 syntax; see thematic/report/CONTEXT.md)."),
    "E353": (USAGE, "--themes: no theme {value!r}.{suggest} List them with "
                    "`thematic theme list`."),
    "E354": (USAGE, "Nothing to report: the project has no studies and no excerpts. Import "
                    "them first (`thematic import studies FILE`, `thematic import excerpts "
                    "FILE`)."),
    "E355": (USAGE, "Template {name!r} not found (searched {path} and the bundled templates). "
                    "Check the name in {{% extends %}} or {{% include %}}; the bundled ones are "
                    "reached as \"default/NAME\"."),
    "E356": (USAGE, "Template {template}: the sandbox refused an unsafe operation ({detail}). "
                    "Report templates may only read the documented data "
                    "(thematic/report/CONTEXT.md)."),
    "E357": (USAGE, "Template {template} ({line}): {detail}. The data a template sees is "
                    "documented in thematic/report/CONTEXT.md."),
    "E358": (USAGE, "--format html needs the package markdown-it-py: pip install "
                    "markdown-it-py, or use --format md."),
    "E359": (USAGE, "--format {value!r}: use one of {choices}."),
    "E360": (USAGE, "--out {path} is a folder; give a file name such as "
                    "{path}/synthesis.md."),
    # --- audit and trace (E400–E449) ---------------------------------------------------
    "E400": (USAGE, "Nothing named {value!r}: no theme, code or excerpt has that id.{suggest} "
                    "List themes with `thematic theme list` and excerpts with "
                    "`thematic excerpts list`."),
    "E401": (USAGE, "Code {value!r} is in more than one codebook ({books}). Name one as "
                    "CODEBOOK:CODE, e.g. `thematic trace {example}`."),
    "E402": (USAGE, "{path}: no such report. Give a Markdown file that `thematic report` "
                    "wrote, or leave out --report to check every report under reports/."),
    "E403": (USAGE, "{path}: cannot read the report ({detail}). It must be a UTF-8 Markdown "
                    "file."),
    "E404": (USAGE, "No code {value!r} in codebook {book!r}.{suggest} Write CODEBOOK:CODE "
                    "with a loaded codebook and one of its codes."),
    # --- REFI-QDA (E450–E499) ----------------------------------------------------------
    "E450": (USAGE, "{path}: the XML is not well-formed ({detail}, line {line}, column "
                    "{column}). Export the file again from the program that made it."),
    "E451": (USAGE, "{path}: the XML {what}; thematic refuses DTDs and entity declarations "
                    "(they can expand to gigabytes or read other files). Export the file "
                    "again without a <!DOCTYPE …> section."),
    "E452": (USAGE, "{path}: the XML refers to an external resource ({detail}); thematic "
                    "never fetches files or URLs named inside a document. Remove the "
                    "reference, or export the file again."),
    "E453": (USAGE, "{path}: the root element is <{found}>, not a REFI-QDA <{expected}>. Give "
                    "a .qdc codebook (root <CodeBook>) or a .qdpx project (project.qde, root "
                    "<Project>)."),
    "E454": (USAGE, "{path}, element {element}: {problem}. {fix}"),
    "E455": (USAGE, "{path} is not a readable .qdpx archive ({detail}). A .qdpx file is a zip "
                    "holding project.qde and a sources/ folder; export the project again."),
    "E456": (USAGE, "{path}: archive entry {entry!r} {problem}; thematic refuses archives "
                    "whose entries could land outside the folder they unpack into. Export the "
                    "project again with the program that made it."),
    "E457": (USAGE, "{path}: {what} is {found}, over the limit of {limit}; thematic refuses "
                    "it (it may be a zip bomb). If the file is genuine, split the project "
                    "into smaller exports."),
    "E458": (USAGE, "{path}: no project.qde in the archive (entries: {entries}). Give a .qdpx "
                    "file exported by a QDA program (NVivo, ATLAS.ti, MAXQDA, QualCoder, "
                    "thematic)."),
    "E459": (USAGE, "{path}, element {element}: the source text {target!r} {problem}. {fix}"),
    "E460": (USAGE, "{path}, element {element}: the selection {start}–{end} is not inside its "
                    "source text ({length} characters). Positions count characters from 0; "
                    "export the project again, with plain-text sources in UTF-8."),
    "E461": (USAGE, "No codebook {value!r} to export.{suggest} Load one with `thematic "
                    "codebook load FILE`; list the loaded ones with `thematic codebook list`."),
    # --- #22 findings, appraisal, GRADE-CERQual, PRISMA 2020 screening (E590–E629) ------
    "E590": (USAGE, "A finding must rest on at least one theme: {statement!r} names none. Add "
                    "--theme THEME (list them with `thematic theme list`)."),
    "E591": (USAGE, "No finding {value!r}.{suggest} List them with `thematic finding list`."),
    "E592": (USAGE, "{option}: {problem}"),
    "E593": (USAGE, "{path}, row {row}, column {column!r}: study {value!r} is not in the "
                    "project.{suggest} Use the study ids of `thematic studies list`; nothing "
                    "was imported."),
    "E594": (USAGE, "{path}, row {row}, column {column!r}: {value!r} is not an appraisal "
                    "rating. Use one of: {choices}; nothing was imported."),
    "E595": (USAGE, "{path}: no column {column!r}. The sheet needs the columns {needed} "
                    "(other columns are kept as appraisal items). Columns in the file: "
                    "{columns}."),
    "E596": (USAGE, "{path}, row {row}: study {value!r} is appraised again (first at row "
                    "{first}). Give each study one row; nothing was imported."),
    "E597": (USAGE, "{option} {value!r} is not on the GRADE-CERQual scale. Use one of: "
                    "{choices}."),
    "E598": (USAGE, "A CERQual judgement needs an explanation: add --why \"...\" (the "
                    "Summary of Qualitative Findings prints it beside the confidence)."),
    "E599": (USAGE, "Nothing to record for finding {finding}: give at least one of "
                    "--limitations, --coherence, --adequacy, --relevance, --overall."),
    "E600": (USAGE, "{path}: the screening counts do not add up: {sum}. Correct the counts "
                    "(PRISMA 2020: identified − removed before screening = screened; "
                    "screened − excluded = sought; sought − not retrieved = assessed; "
                    "assessed − excluded = included); nothing was imported."),
    "E601": (USAGE, "{path}, row {row}, column {column!r}: {problem}. {fix} Nothing was "
                    "imported."),
    "E602": (USAGE, "{path}: neither a screening log (columns record, source, stage, decision, "
                    "reason) nor a counts file (columns item, count). Columns in the file: "
                    "{columns}."),
    "E603": (USAGE, "Finding {finding} rests on theme {theme!r}, which is no longer in the "
                    "project. Give the finding a theme again (`thematic finding remove "
                    "{finding}`, then `thematic finding add … --theme THEME`)."),
    "E604": (USAGE, "{option}: {problem}"),
    # --- #24 CFIR as the synthesis lens (E630–E659) -------------------------------------
    "E630": (USAGE, "Codebook {codebook!r} {version} has no auto-coding rules and the "
                    "semantic stage is off, so `code auto` can propose nothing. Add `rules:` "
                    "to its codes (see codebooks/schema.json), run with --semantic (codes are "
                    "then proposed by similarity to their definitions), or choose a codebook "
                    "with rules (--codebook, e.g. peer-support or cfir2)."),
    "E631": (USAGE, "{value!r} is not a CFIR 2.0 construct.{suggest} Construct ids are those "
                    "of codebooks/cfir2.yaml, e.g. inner-setting.culture; list them with "
                    "`thematic cfir --all`."),
    "E632": (USAGE, "{value!r} is not a direction.{suggest} Use one of: {choices}."),
    "E633": (USAGE, "Coder {coder!r} is the valence rule's own name; record a person's "
                    "direction under your name (--coder NAME, or THEMATIC_USER)."),
    "E634": (USAGE, "Rating {value!r} is outside the CFIR rating scale. Use one of: {scale} "
                    "(-2/-1 barrier, +1/+2 facilitator, 0 neutral, X mixed)."),
    "E635": (USAGE, "Case {value!r} is not a study in the project.{suggest} Cases are the "
                    "study ids of the study table (`thematic studies list`)."),
    "E636": (USAGE, "Rating construct {construct} in case {case} needs a reason: give --why "
                    "\"…\" (the CFIR rating rules ask for the evidence behind each rating)."),
    "E637": (USAGE, "No study attribute {value!r}.{suggest} Attributes: {known}."),
    # --- #19 interviews and surveys: turns, roles, exclusions (E500–E529) -----------------
    "E500": (USAGE, "{path}: --segment turn found no speaker labels (a label must start a "
                    "line and occur at least twice). First lines: {lines}. Label styles "
                    "tried: {styles}. Label the turns like 'Interviewer: …', name one-off "
                    "speakers with --interviewer/--roles, or import with --segment paragraph."),
    "E501": (USAGE, "--segment turn cuts documents (TXT, Markdown, DOCX, ODT) at speaker "
                    "labels; {path} is a sheet. Import sheets with --segment row, paragraph "
                    "or sentence."),
    "E502": (USAGE, "{path}, row {row}: {problem}. A roles file is a CSV/TSV with the columns "
                    "speaker and role (interviewer or participant)."),
    "E503": (USAGE, "No excerpt {value!r} in the project.{suggest} Nothing was excluded or "
                    "included; list the excerpts with `thematic excerpts list`."),
    "E504": (USAGE, "--reason is empty: say why the excerpts leave the analysis (e.g. "
                    "\"non-answer\", \"out of scope\"); the report's methods quote it."),
    "E505": (USAGE, "Unknown design {value!r}.{suggest} Use one of: {choices} (report "
                    "--design)."),
    "E506": (USAGE, "--by {value!r}: no study or respondent records that attribute.{suggest} "
                    "Attributes recorded: {known}. Import them with `thematic import studies "
                    "FILE` (a survey sheet can be imported both ways)."),
    # --- team coding: assignments, blind review, merge, lenient REFI-QDA ---------------
    "E530": (USAGE, "--sample {value!r}: {problem}. Give a share such as 20% or 0.2, or a "
                    "number of excerpts such as 40."),
    "E531": (USAGE, "--coders {value!r}: {problem}. Name two or more different coders, "
                    "comma-separated, e.g. --coders alice,bob."),
    "E532": (USAGE, "--strata {value!r} is not an excerpt field.{suggest} Use source, or an "
                    "excerpt attribute such as {examples}."),
    "E533": (USAGE, "There are no excerpts to assign. Import some first with `thematic "
                    "import excerpts FILE`."),
    "E534": (USAGE, "No coding assignment in the project. Make one with `thematic assign "
                    "--coders alice,bob --sample 20%`."),
    "E535": (USAGE, "{path} is not a thematic project to merge (no .thematic/project.db). "
                    "Give the folder of another copy of this project, or a .qdpx file."),
    "E536": (USAGE, "{path} has schema version {found}, this project {ours}. Open both with "
                    "the same thematic (run `thematic --project {path} status` to upgrade "
                    "the older one), then merge again."),
    "E537": (USAGE, "--coder-map {value!r}: {problem}. Write THEIR NAME=OUR NAME, e.g. "
                    "--coder-map \"Alice Smith=alice\"."),
    "E538": (USAGE, "--coder-map names {value!r}, who has no codings, reviews, memos or "
                    "assignments in {path}.{suggest} Coders there: {coders}."),
    "E539": (USAGE, "{path} is this project itself; merge another copy of it."),
    "E541": (USAGE, "{path}: the selection {selection} ({start}–{end}) does not fit its "
                    "source text {source!r} ({length} characters): the text is not the one "
                    "it was coded on. Export the project again with its sources, in UTF-8."),
    # --- hostile and damaged input (E660–E699) ----------------------------------------
    "E660": (USAGE, "--encoding {value!r} is not an encoding Python knows.{suggest} Use a "
                    "name such as utf-8, utf-8-sig, utf-16, cp1252 or latin-1."),
    "E661": (USAGE, "{path}: the file is UTF-8 but the byte at row {row} (byte offset "
                    "{offset}, 0x{byte}) is not valid UTF-8, so nothing was imported. Fix or "
                    "delete that byte (re-save the file as UTF-8), or pass --encoding cp1252 "
                    "if the whole file is really Windows-1252."),
    "E662": (USAGE, "{path}: the file holds a NUL byte at row {row} (byte offset {offset}); "
                    "text never contains one, so the file is damaged or binary. Remove it, "
                    "or export the sheet again."),
    "E663": (USAGE, "{path}, row {row}, column {column!r}: {problem}. {fix}"),
    "E664": (USAGE, "{path}, row {row}: a quoted cell opened in that row {problem}, so the "
                    "rows after it would be swallowed into one cell. Close the quote (a "
                    "quote inside a quoted cell is written twice: \"\"), then import again."),
    "E665": (USAGE, "{path}, line {row}: {problem}. Each line of a .jsonl file must be one "
                    "JSON object of plain values; {fix}"),
    "E666": (USAGE, "{path}: the file name is not valid UTF-8 ({name}). Rename the file "
                    "(e.g. with a UTF-8 file manager or `convmv`), then import again."),
    "E667": (USAGE, "The project database {path} {problem}; nothing was read or changed. "
                    "Restore .thematic/project.db from a backup (or version control); if you "
                    "have none, move it aside and run `thematic init` to start afresh."),
    "E668": (USAGE, "The project database {path} is read-only ({why}), and {command} writes "
                    "to it. Read-only commands (status, audit, report --out ELSEWHERE, "
                    "excerpts list, ...) still work; to write, make the folder writable or "
                    "copy the project somewhere you can write."),
    "E669": (USAGE, "{option}: {problem}"),
    "E670": (USAGE, "{path}: {what} would inflate to {found}, over the limit of {limit}; "
                    "thematic refuses it (it may be a zip bomb). If the file is genuine, "
                    "split it, or save it as CSV or plain text."),
    "E671": (USAGE, "Code {code_id!r}, rule {rule}: the regular expression {pattern!r} "
                    "{problem}. Rewrite it without nested repetition (e.g. ^a+$ instead of "
                    "^(a+)+$), keep it under {limit} characters, or use phrases."),
    "E672": (USAGE, "Cannot write {path} ({detail}). Choose another output path (--out)."),
    "E673": (USAGE, "--template {path}: {problem}. Templates are read only from inside "
                    "their folder; copy the file into it instead of linking to it."),
    "E674": (USAGE, "{path}, line {line}: {detail}. Fix the file and load it again."),
    # #17 evidence policy and tamper evidence: E700–E749
    "E700": (USAGE, "Evidence coder {value!r} has no accepted codings in this project.{suggest} "
                    "Coders with accepted codings: {coders}. Name them with --evidence-coders "
                    "A,B (or `thematic evidence set A,B`)."),
    "E701": (USAGE, "`thematic evidence set` takes either coders (A,B) or --default, not both "
                    "and not neither. Example: thematic evidence set ana,ben"),
    # --- #21 engines: Dask (E560–E589) ---------------------------------------------------
    "E560": (USAGE, "Cannot reach the Dask scheduler at {address} within {seconds} s "
                    "({detail}); nothing was run or written. Check that the scheduler is "
                    "running (`dask scheduler`) and has workers, and that HOST:PORT is the "
                    "address it printed, or leave out --scheduler to run on a local "
                    "cluster."),
    "E561": (USAGE, "--engine dask needs Dask's distributed scheduler, which is not "
                    "installed. Install it with pip install 'thematic[engine]' (or "
                    "'dask[distributed]'), or use --engine local."),
    "E562": (USAGE, "No engine {value!r}.{suggest} Use one of: {choices}."),
    "E563": (USAGE, "{option} applies to --engine dask only. Add --engine dask, or leave "
                    "out {option}."),
    "E564": (USAGE, "The Dask workers kept dying on {task} ({detail}); nothing was "
                    "written. A worker is usually killed for running out of memory: give "
                    "workers more memory or run fewer per machine (--workers), then run "
                    "the command again."),
    "E565": (USAGE, "--workers sizes the local cluster; with --scheduler the remote "
                    "cluster's own workers run the tasks. Leave out one of the two."),
    "E566": (USAGE, "--scheduler {address!r} is not a scheduler address ({detail}). Give "
                    "it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786."),
    # hnits (follow-ups: one generic registry, old Teams transcripts): E750–E769
    "E750": (USAGE, "No {kind} is named {name!r}. Known: {known}.{suggest} Use one of "
                    "these names, or install the plugin that provides it."),
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


#: Codes that are no longer raised, with what replaced them. Their numbers stay taken.
RETIRED: dict[str, str] = {
    "E151": "E106: one codebook lookup (thematic.lookup.codebook)",
    "E254": "E106: one codebook lookup (thematic.lookup.codebook)",
    "E461": "E106 / E150: one codebook lookup (thematic.lookup.codebook)",
    "E163": "the embedding backends are part of the package",
    "E025": "Ctrl-C in any command, an import included: exit 130 and one line saying the "
            "command's changes were rolled back (cli/common.py)",
    "E452": "E451: a DTD is refused before anything in it is read, and XML can refer to an "
            "external resource only through a DTD",
}
