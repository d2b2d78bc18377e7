"""Build team-lead-03.docx, an INVENTED example interview, with python-docx.

Run from anywhere:  python corpus/interviews/make_docx.py
The .docx is committed; re-run this script only when the text below changes.
Core properties are pinned so that re-running gives the same document text and metadata.
"""
import datetime
import io
import zipfile
from pathlib import Path

from docx import Document

HERE = Path(__file__).resolve().parent
OUT = HERE / "team-lead-03.docx"

TITLE = "Interview: team leader of a community mental-health team"
NOTICE = ("INVENTED EXAMPLE - not a real participant. Written by the thematic developers to "
          "exercise the DOCX reader; it does not report real research data.")

TURNS = [
    ("Interviewer", "How long have peer workers been part of your team?"),
    ("Team lead", "We took on our first two peer support workers a few years ago, and we now have "
                  "four. I pushed for it after hearing service users say they wanted someone who "
                  "had been through it themselves."),
    ("Interviewer", "What was hardest at the start?"),
    ("Team lead", "Being clear about the role. We copied a support-worker job description and "
                  "added a line about lived experience. That was a mistake. Within months the peer "
                  "workers were doing the same tasks as everyone else, and some clinicians did not "
                  "see what was different about them."),
    ("Team lead", "We rewrote the role with the peer workers themselves. Now it says what they do, "
                  "what they do not do, and why. Co-producing that document did more for the team "
                  "than any training day."),
    ("Interviewer", "How do you support the peer workers?"),
    ("Team lead", "Each peer worker has supervision from a senior peer practitioner outside the "
                  "team, plus line management from me. We also hold a short debrief at the end of "
                  "difficult days. Before we had that, one of our best peer workers went off sick "
                  "with burnout, and I do not want that to happen again."),
    ("Interviewer", "Has anything surprised you?"),
    ("Team lead", "How much the peer workers changed the attitudes of the rest of the team. There "
                  "was some stigma at first, comments about whether they were well enough to work. "
                  "That has mostly gone, because people have seen what they bring."),
    ("Team lead", "The other surprise was the online group one of them set up during lockdown. I "
                  "expected it to fade when we reopened, but it is still running alongside the "
                  "face-to-face group, and it reaches people who never came to the building."),
    ("Interviewer", "What worries you about the future?"),
    ("Team lead", "Funding. The posts are paid from a pot that is renewed each year, so every "
                  "spring we wonder whether we will keep them. And there is no career ladder: a "
                  "peer worker who wants to progress has to leave peer work to do it."),
]


def build(path: Path = OUT) -> Path:
    doc = Document()
    props = doc.core_properties
    props.title = TITLE
    props.author = "thematic developers (invented example)"
    props.comments = NOTICE
    fixed = datetime.datetime(2025, 1, 1, 0, 0, 0)
    props.created = fixed
    props.modified = fixed
    props.last_modified_by = "thematic"
    props.revision = 1
    doc.add_heading(TITLE, level=1)
    notice = doc.add_paragraph()
    notice.add_run(NOTICE).bold = True
    for speaker, text in TURNS:
        para = doc.add_paragraph()
        para.add_run(f"{speaker}: ").bold = True
        para.add_run(text)
    buf = io.BytesIO()
    doc.save(buf)
    _write_reproducible_zip(buf.getvalue(), path)
    return path


def _write_reproducible_zip(data: bytes, path: Path) -> None:
    """Re-pack the .docx with fixed member timestamps so re-running gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


if __name__ == "__main__":
    print(build())
