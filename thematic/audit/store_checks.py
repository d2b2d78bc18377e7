"""The audit's checks of the store: the event log, codings, codebook versions, themes,
unthemed codes and the imported files."""

from __future__ import annotations

from pathlib import Path

from thematic.audit.core import ERROR, WARNING, Audit, few
from thematic.store import audit as db
from thematic.store.db import GENESIS, event_hash


def check_store(audit: Audit) -> None:
    """Every store check, in the order CHECKS lists them."""
    _event_chain(audit)
    _ledger(audit)
    _codings(audit)
    _old_codebooks(audit)
    _themes(audit)
    _unthemed_codes(audit)
    _files(audit)


# --- event log ------------------------------------------------------------------------------

def _event_chain(audit: Audit) -> None:
    from thematic.store import ledger

    secret, since = _keyed(audit)
    prev, last, unverified = GENESIS, None, 0
    for ev in audit.store.events():
        keyed = since is not None and ev.id >= since
        if keyed and secret is None:
            unverified += 1
        if ev.prev_hash != prev:
            after = f"event {last}" if last is not None else "the start of the log"
            audit.add(ERROR, "event-chain",
                      f"The event log is broken at event {ev.id}: it does not follow {after} "
                      "(its prev_hash is not that event's hash), so an event before it was "
                      "rewritten, removed or inserted.",
                      "Restore the project database from a backup or version control; the "
                      "history after this point cannot be trusted.", event=ev.id)
            return
        if not (keyed and secret is None) and event_hash(
                ev.prev_hash, ev.ts, ev.actor, ev.command, ev.action, ev.entity, ev.body,
                secret if keyed else None) != ev.hash:
            audit.add(ERROR, "event-chain",
                      f"Event {ev.id} ({ev.action} {ev.entity}) was changed after it was "
                      "written: its hash no longer matches its content.",
                      "Restore the project database from a backup or version control.",
                      event=ev.id)
            return
        prev, last = ev.hash, ev.id
    sequence = db.event_sequence(audit.store)
    if sequence is not None and sequence > (last or 0):
        audit.add(ERROR, "event-chain",
                  f"The event log ends at event {last or 'none'}, but events up to "
                  f"{sequence} were written: the newest events were deleted.",
                  "Restore the project database from a backup or version control.",
                  event=(last or 0) + 1)
    if unverified:
        audit.add(WARNING, "event-key", f"Events from {since} on ({unverified}) were written "
                  f"with {ledger.KEY_ENV}, which is not set now, so their content cannot be "
                  "verified (their order still is).",
                  f"Set {ledger.KEY_ENV} to the project's key and audit again.")
    missing = {"events_no_update", "events_no_delete"} - db.event_triggers(audit.store)
    if missing:
        audit.add(WARNING, "event-log-unprotected",
                  f"The event log's append-only trigger(s) {', '.join(sorted(missing))} were "
                  "dropped, so its history can be edited without an error.",
                  "Restore the project database from a backup, or recreate the triggers as "
                  "in thematic/store/migrations/0001_core.sql.")


def _keyed(audit: Audit) -> tuple[bytes | None, int | None]:
    """(the key to verify keyed events with, the first keyed event); a key that does not
    match the log's, or a key given for a log that has none, is an error."""
    from thematic.store import ledger

    secret = ledger.key()
    recorded = audit.store.get_meta(ledger.KEY_ID)
    since = audit.store.get_meta(ledger.KEY_SINCE)
    if secret is not None and recorded is None:
        audit.add(ERROR, "event-key", f"{ledger.KEY_ENV} is set, but no event in the log was "
                  "written with a key: either the key was never used with this project, or "
                  "the keyed history was rewritten without it.",
                  "If you have just chosen the key, any change to the project starts the "
                  "keyed history; otherwise restore the database from a backup.")
    elif secret is not None and recorded != ledger.key_id(secret):
        audit.add(ERROR, "event-key", f"The log was keyed with another key (id {recorded}) "
                  f"than {ledger.KEY_ENV} (id {ledger.key_id(secret)}).",
                  "Audit with the project's key.")
        secret = None
    return secret, int(since) if since else None


def _ledger(audit: Audit) -> None:
    """Rows of the evidence tables that are not as thematic last wrote them."""
    from thematic.store import ledger

    if ledger.mode(audit.store) is None:
        return
    for table, found in ledger.changed_rows(audit.store).items():
        for kind, verb in (("changed", "were changed"), ("added", "were added"),
                           ("removed", "were deleted")):
            n = found[f"n_{kind}"]
            if n:
                audit.add(ERROR, "row-without-event",
                          f"{n} row(s) of {table} {verb} outside thematic, with no event in "
                          f"the log: {few(found[kind], n)}.",
                          "Restore the project database from a backup or version control, or"
                          " redo the change with thematic commands so the log records it.",
                          table=table, rows=found[kind])


# --- codings --------------------------------------------------------------------------------

def _codings(audit: Audit) -> None:
    for row in db.orphan_codings(audit.store):
        what = f"Coding {row['id']} ({row['coder']}, {row['status']}, code {row['code_id']!r}"
        what += f" on excerpt {row['excerpt_id']!r})"
        if row["no_excerpt"]:
            audit.add(ERROR, "coding-missing-excerpt",
                      f"{what} points to an excerpt that is not in the project.",
                      "Re-import the excerpt's file, or remove the coding "
                      "(`thematic code remove`).", coding=row["id"],
                      excerpt=row["excerpt_id"], code=row["code_id"])
        if row["no_code"]:
            book = (f"codebook {row['codebook']!r} (version id {row['codebook_id']})"
                    if not row["no_codebook"] else
                    f"codebook version id {row['codebook_id']}, which is not loaded")
            audit.add(ERROR, "coding-missing-code",
                      f"{what} uses a code that is not in {book}.",
                      "Load the codebook version it was coded with, or re-code the excerpt "
                      "against the current codebook.", coding=row["id"],
                      excerpt=row["excerpt_id"], code=row["code_id"],
                      codebook=row["codebook"])


def _old_codebooks(audit: Audit) -> None:
    stale = db.stale_codings(audit.store)
    if not stale:
        return
    current = db.current_codebooks(audit.store)
    codes = db.codes_by_book(audit.store, sorted({r["codebook_id"] for r in stale}
                                                 | set(current.values())))
    for row in stale:
        old = codes[row["codebook_id"]].get(row["code_id"])
        now_id = current.get(row["name"])
        new = codes.get(now_id, {}) if now_id is not None else {}
        changed = _code_change(row["code_id"], old, new)
        n = row["n"]
        what = (f"{n} accepted coding(s) of {row['code_id']!r} use codebook {row['name']!r} "
                f"version {row['version']!r}, not the current version")
        examples = f" (excerpts {few(row['examples'], n)})"
        severity = ERROR if changed else WARNING
        audit.add(severity, "coding-old-codebook",
                  f"{what}; {changed or 'the code is unchanged in the current version'}"
                  f"{examples}.",
                  "Review these codings against the current codebook (`thematic code "
                  "review`) or re-code them, so the evidence matches the definitions in force.",
                  codebook=row["name"], version=row["version"], code=row["code_id"],
                  codings=n, excerpts=row["examples"])


def _code_change(code_id: str, old: dict | None, new: dict[str, dict]) -> str:
    """What happened to a code between an older version and the current one ('' if nothing)."""
    if code_id not in new:
        old_name = (old or {}).get("name", "").casefold()
        old_def = (old or {}).get("definition", "")
        renamed = [i for i, c in new.items()
                   if (old_name and c["name"].casefold() == old_name)
                   or (old_def and c["definition"] == old_def)]
        if renamed:
            return f"the code was renamed: it is {renamed[0]!r} in the current version"
        return "the code was removed from the current version"
    cur, changes = new[code_id], []
    if old is None:
        return ""
    if cur["name"] != old["name"]:
        changes.append(f"its name changed from {old['name']!r} to {cur['name']!r}")
    if cur["definition"] != old["definition"]:
        changes.append("its definition changed")
    if cur["parent"] != old["parent"]:
        changes.append(f"it moved from {old['parent']!r} to {cur['parent']!r}")
    return "; ".join(changes)


# --- themes -----------------------------------------------------------------------------

def _themes(audit: Audit) -> None:
    from thematic.store.codebooks import get_codebook

    by_id = {t.id: t for t in audit.themes}
    books: dict = {}
    for t in audit.themes:
        ev = audit.evidence(t.id)
        family = [t] + [by_id[c] for c in ev.children if c in by_id]
        has_codes = any(m.codes for m in family)
        if not has_codes and not any(m.topics for m in family):
            audit.add(ERROR, "theme-no-codes",
                      f"Theme {t.id!r} ({t.name}) groups no codes, no topics and no "
                      "sub-themes, so nothing can support it.",
                      f"Add codes (`thematic theme edit {t.id} --add-codes CODE`) or remove "
                      "the theme.", theme=t.id)
        elif not has_codes:
            audit.add(WARNING, "theme-no-codes",
                      f"Theme {t.id!r} ({t.name}) rests only on topic members: no codebook "
                      "code links it to coded evidence.",
                      f"Add the codes it stands for (`thematic theme edit {t.id} --add-codes "
                      "CODE`).", theme=t.id)
        if t.codes:
            if t.codebook not in books:
                books[t.codebook] = get_codebook(audit.store, t.codebook)
            book = books[t.codebook]
            for code in t.codes:
                if book is None or book.code(code) is None:
                    where = f"codebook {t.codebook!r}" if book else \
                        f"any loaded codebook (no codebook {t.codebook!r})"
                    audit.add(ERROR, "theme-unknown-code",
                              f"Theme {t.id!r} lists code {code!r}, which is not in the "
                              f"current version of {where}.",
                              f"Remove it (`thematic theme edit {t.id} --remove-codes "
                              f"{code}`) or load a codebook that has it.",
                              theme=t.id, code=code, codebook=t.codebook)
        if not ev.excerpts and (has_codes or t.topics):
            audit.add(ERROR, "theme-no-evidence",
                      f"Theme {t.id!r} ({t.name}) has no evidence: no accepted coding of its "
                      f"codes ({', '.join(t.codes) or 'none'}) and no topic members.",
                      "Accept codings of its codes (`thematic code review`), add codes that "
                      "have evidence, or remove the theme.", theme=t.id)
        elif len(ev.studies) == 1:
            audit.add(WARNING, "theme-single-study",
                      f"Theme {t.id!r} ({t.name}) rests on a single study ({ev.studies[0]}; "
                      f"{len(ev.excerpts)} excerpt(s)).",
                      "Say so in the synthesis, or merge it into a broader theme.",
                      theme=t.id, study=ev.studies[0])


def _unthemed_codes(audit: Audit) -> None:
    from thematic.trace import code_themes

    themed = code_themes(audit.store, audit.themes)
    for row in db.used_codes(audit.store):
        if (row["codebook"], row["code_id"]) not in themed:
            audit.add(WARNING, "code-not-in-theme",
                      f"Code {row['code_id']!r} ({row['codebook']}) has {row['codings']} "
                      f"accepted coding(s) on {row['excerpts']} excerpt(s) but belongs to no "
                      "theme.",
                      f"Add it to a theme (`thematic theme edit THEME --add-codes "
                      f"{row['code_id']}`), or leave it out of the synthesis on purpose.",
                      code=row["code_id"], codebook=row["codebook"])


# --- files ------------------------------------------------------------------------------

def _files(audit: Audit) -> None:
    from thematic.corpus.readers import sha256

    by_path: dict[str, list[dict]] = {}
    for f in db.file_usage(audit.store):
        by_path.setdefault(f["path"], []).append(f)
    for shown, rows in by_path.items():
        path = Path(shown)
        path = path if path.is_absolute() else audit.root / path
        n_ex = sum(r["excerpts"] for r in rows)
        n_src = sum(r["sources"] for r in rows)
        examples = [e for r in rows for e in r["examples"]][:db.EXAMPLES]
        used = (f"{n_ex} excerpt(s)" if n_ex else "") + \
            (" and " if n_ex and n_src else "") + (f"{n_src} stud(ies)" if n_src else "")
        key = {"excerpts": examples} if n_ex else {"studies": examples}
        listed = few(examples, n_ex or n_src)
        if not path.is_file():
            audit.add(ERROR, "source-file-missing",
                      f"{shown}, imported as the source of {used} ({listed}), is missing.",
                      f"Put the file back at {shown} (relative to the project folder), "
                      "exactly as it was imported.", file=shown, **key)
            continue
        newest = max(rows, key=lambda r: r["newest"])["newest"]
        expected = db.file_hash(audit.store, newest)
        found = sha256(path)
        if found != expected:
            audit.add(ERROR, "source-file-changed",
                      f"{shown} changed since it was imported (sha256 {found[:12]}…, imported "
                      f"as {expected[:12]}…); it is the source of {used} ({listed}).",
                      f"Restore the file as imported, or re-import it (`thematic import "
                      f"{'excerpts' if n_ex else 'studies'} {shown}`) to record the new "
                      "version.", file=shown, **key)
