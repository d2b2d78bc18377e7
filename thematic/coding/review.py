"""``thematic code review``: decide proposed codings one at a time in the terminal.

``ReviewSession`` is the whole logic with no terminal (unit-tested directly); ``run_terminal``
is the prompt_toolkit front end. Every decision is its own transaction, so quitting at any
point keeps what was decided, and the next session starts with what is still proposed
(skipped proposals come back; decided ones do not).
"""

from __future__ import annotations

from dataclasses import dataclass

from thematic.coding import manual
from thematic.coding.assign import blind_view, decide_blind, undo_blind
from thematic.coding.common import resolve_code, write
from thematic.errors import ThematicError
from thematic.lookup import codebook as resolve_codebook
from thematic.store import codings as db
from thematic.store import corpus as corpus_db
from thematic.store.codings import Status
from thematic.store.db import Store

KEYS = "[a]ccept  [r]eject  [n] add code  [s]kip  [m]emo  [u]ndo  [q]uit"


@dataclass
class Item:
    coding: db.Coding
    excerpt: corpus_db.Excerpt
    code_name: str
    definition: str

    @property
    def parts(self) -> tuple[str, str, str]:
        """The excerpt text split around the matched span (nothing to highlight when the
        coding is of the whole excerpt, as semantic proposals are)."""
        text, c = self.excerpt.text, self.coding
        if c.start is None or c.end is None:
            return text, "", ""
        return text[:c.start], text[c.start:c.end], text[c.end:]


@dataclass
class _Step:
    kind: str                       # decide | skip | add | memo
    index: int
    decision: manual.Decision | None = None
    coding_id: int | None = None
    covered: bool = False
    memo_id: int | None = None
    excerpt_id: str = ""


@dataclass
class Tally:
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    added: int = 0
    memos: int = 0


class ReviewSession:
    """The proposals still to decide, in excerpt order, and what the reviewer did."""

    def __init__(self, store: Store, coder: str, *, codebook: str | None = None,
                 proposers: list[str] | None = None, code: str | None = None) -> None:
        if not coder.strip():
            raise ThematicError("E160", what="the review")
        self.store, self.coder = store, coder
        self.book = resolve_codebook(store, codebook)
        self.codes = {c.id: c for c in self.book.codes}
        if code is not None:
            code = resolve_code(self.book, code).id
        pending = db.list_codings(store, status=Status.PROPOSED, codebook_id=self.book.id,
                                  code=code, coders=proposers, analysed=True)
        pending = [c for c in pending if c.coder != coder]
        # In a blind assignment the coder sees only their excerpts and nobody else's work.
        self.blind = blind_view(store, coder)
        if self.blind is not None:
            pending = [c for c in pending if self.blind.pending(c)]
        texts = {e.id: e for e in corpus_db.list_excerpts(
            store, ids=sorted({c.excerpt_id for c in pending}))} if pending else {}
        self.items = [Item(c, texts[c.excerpt_id], self.codes[c.code_id].name,
                           self.codes[c.code_id].definition) for c in pending]
        self.index = 0
        self.history: list[_Step] = []
        self.tally = Tally()

    # -- what to show --
    @property
    def current(self) -> Item | None:
        return self.items[self.index] if self.index < len(self.items) else None

    @property
    def done(self) -> bool:
        return self.current is None

    @property
    def remaining(self) -> int:
        return len(self.items) - self.index

    def completions(self) -> list[str]:
        return [c.id for c in self.book.codes if c.codable]

    def others(self) -> list[str]:
        """Codes this excerpt already has (from anyone, not rejected), for context."""
        item = self.current
        if item is None:
            return []
        return sorted({c.code_id for c in db.list_codings(
            self.store, excerpt=item.excerpt.id, codebook_id=self.book.id,
            status=(Status.PROPOSED, Status.ACCEPTED)) if c.id != item.coding.id
            and (self.blind is None or self.blind.shows(c))})

    # -- actions --
    def accept(self) -> str:
        return self._decide(True)

    def reject(self) -> str:
        return self._decide(False)

    def _decide(self, accept: bool) -> str:
        item = self._need()
        fresh = db.get_coding(self.store, item.coding.stored_id)
        if fresh is None or (fresh.status != Status.PROPOSED and self.blind is None):
            self.index += 1  # decided elsewhere since this session started
            return f"{item.coding.code_id} on {item.excerpt.id} was already decided"
        apply = decide_blind if self.blind is not None else manual.apply_decision
        decision = write(self.store, f"code review {'accept' if accept else 'reject'}",
                         lambda: apply(self.store, item.coding, accept, coder=self.coder))
        self.history.append(_Step("decide", self.index, decision=decision))
        if accept:
            self.tally.accepted += 1
        else:
            self.tally.rejected += 1
        self.index += 1
        return f"{decision.status} {item.coding.code_id} on {item.excerpt.id}"

    def skip(self) -> str:
        item = self._need()
        self.history.append(_Step("skip", self.index))
        self.tally.skipped += 1
        self.index += 1
        return f"skipped {item.coding.code_id} on {item.excerpt.id}"

    def add(self, code_id: str) -> str:
        """Give the current excerpt another code (the reviewer's own, whole excerpt)."""
        item = self._need()
        code_id = code_id.strip()
        starts = [c for c in self.completions() if c.startswith(code_id)]
        code = resolve_code(self.book, starts[0] if code_id and len(starts) == 1 and
                            self.book.code(code_id) is None else code_id)
        covered = not db.is_reviewed(self.store, self.coder, item.excerpt.id, self.book.id)
        stored, added = manual.add_coding(self.store, item.excerpt.id, code.id,
                                          coder=self.coder, codebook=self.book.name,
                                          origin="review")
        if not added:
            return f"{code.id} was already coded on {item.excerpt.id} by {self.coder}"
        self.history.append(_Step("add", self.index, coding_id=stored.id, covered=covered,
                                  excerpt_id=item.excerpt.id))
        self.tally.added += 1
        return f"added {code.id} on {item.excerpt.id}"

    def memo(self, text: str) -> str:
        item = self._need()
        memo_id = manual.add_memo(self.store, "excerpt", item.excerpt.id, text,
                                  author=self.coder)
        self.history.append(_Step("memo", self.index, memo_id=memo_id))
        self.tally.memos += 1
        return f"memo saved on {item.excerpt.id}"

    def undo(self) -> str:
        if not self.history:
            return "nothing to undo"
        step = self.history.pop()
        self.index = step.index
        if step.kind == "skip":
            self.tally.skipped -= 1
            return "undid skip"
        if step.kind == "decide":
            decision = step.decision
            assert decision is not None  # a decide step carries its decision
            undo = undo_blind if self.blind is not None else manual.undo_decision
            write(self.store, "code review undo",
                  lambda: undo(self.store, decision, coder=self.coder))
            if decision.status == Status.ACCEPTED:
                self.tally.accepted -= 1
            else:
                self.tally.rejected -= 1
            return f"undid {decision.status} {decision.proposal.code_id}"
        if step.kind == "add":
            write(self.store, "code review undo", lambda: self._unadd(step))
            self.tally.added -= 1
            return "undid add"
        write(self.store, "code review undo", lambda: self._unmemo(step))
        self.tally.memos -= 1
        return "undid memo"

    def _unadd(self, step: _Step) -> None:
        assert step.coding_id is not None  # an add step carries the coding it added
        db.remove_coding(self.store, step.coding_id)
        if step.covered:
            db.unmark_reviewed(self.store, self.coder, step.excerpt_id, self.book.id)
        self.store.log("code undo", step.excerpt_id, {"removed": step.coding_id,
                                                      "coder": self.coder})

    def _unmemo(self, step: _Step) -> None:
        assert step.memo_id is not None  # a memo step carries the memo it wrote
        db.delete_memo(self.store, step.memo_id)
        self.store.log("memo undo", "", {"id": step.memo_id, "coder": self.coder})

    def _need(self) -> Item:
        item = self.current
        if item is None:
            raise ThematicError("E161", what="proposal", detail="the rest of this review "
                                "(all proposals are decided)", suggest="")
        return item

    def summary(self) -> str:
        t = self.tally
        left = len(db.list_codings(self.store, status=Status.PROPOSED, codebook_id=self.book.id))
        return (f"{self.coder}: {t.accepted} accepted, {t.rejected} rejected, {t.skipped} "
                f"skipped, {t.added} added, {t.memos} memo(s); {left} proposal(s) still "
                f"to review.")


# --- the terminal front end ---------------------------------------------------------------

def _show(session: ReviewSession) -> None:
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText

    item = session._need()
    c = item.coding
    done = len(session.items) - session.remaining + 1
    where = item.excerpt.attributes.get("section")
    speaker = f", {item.excerpt.speaker}" if item.excerpt.speaker else ""
    head = (f"[{done}/{len(session.items)}] excerpt {item.excerpt.id} (study "
            f"{item.excerpt.source_id}{', ' + str(where) if where else ''}{speaker})")
    before, span, after = item.parts
    others = session.others()
    print_formatted_text(FormattedText([
        ("", "\n"), ("bold", head), ("", "\n"),
        ("italic", f"context: {item.excerpt.context}\n" if item.excerpt.context else ""),
        ("", "code: "), ("bold ansicyan", c.code_id), ("", f" — {item.code_name}\n"),
        ("italic", f"  {item.definition}\n" if item.definition else ""),
        ("", f"rule: {c.origin or c.method} (by {c.coder}"
             f"{f', score {c.score:.3f}' if c.score is not None else ''})\n"),
        ("", "\n"), ("", before), ("reverse bold ansiyellow", span), ("", after), ("", "\n"),
        ("", f"\nother codes here: {', '.join(others)}\n" if others else ""),
    ]))


def _key(message: str, keys: str = "arnsmuq") -> str:
    """Read one key press (q on Ctrl-C / Ctrl-D)."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    bindings = KeyBindings()
    for key in keys:
        bindings.add(key)(lambda event, k=key: event.app.exit(result=k))
    for key in ("c-c", "c-d"):
        bindings.add(key)(lambda event: event.app.exit(result="q"))
    app: Application[str] = Application(
        layout=Layout(Window(FormattedTextControl(message), height=1)),
        key_bindings=bindings, full_screen=False, erase_when_done=True)
    return app.run()


def run_terminal(session: ReviewSession) -> str:
    """Review in the terminal until done or q; returns the summary line."""
    import sys

    from prompt_toolkit import print_formatted_text, prompt
    from prompt_toolkit.completion import WordCompleter

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ThematicError("E164")
    completer = WordCompleter(session.completions(), sentence=True)
    print_formatted_text(f"Reviewing {len(session.items)} proposal(s) as {session.coder} "
                         f"(codebook {session.book.name} {session.book.version}).")
    while True:
        if session.done:
            print_formatted_text("All proposals in this review are decided.")
            key = _key("[u]ndo  [q]uit > ", "uq")
        else:
            _show(session)
            key = _key(f"{KEYS} > ")
        try:
            if key == "q":
                break
            if key == "a":
                note = session.accept()
            elif key == "r":
                note = session.reject()
            elif key == "s":
                note = session.skip()
            elif key == "u":
                note = session.undo()
            elif key == "n":
                code = prompt("add code: ", completer=completer, complete_while_typing=True)
                note = session.add(code) if code.strip() else "no code added"
            else:
                text = prompt("memo: ")
                note = session.memo(text) if text.strip() else "no memo saved"
        except ThematicError as exc:
            note = f"Error: [{exc.code}] {exc.message}"
        except (KeyboardInterrupt, EOFError):
            note = "cancelled"
        print_formatted_text(f"-> {note}")
    return session.summary()
