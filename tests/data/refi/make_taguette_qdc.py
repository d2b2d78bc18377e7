"""Make tests/data/refi/taguette-codebook.qdc with Taguette itself.

Taguette (https://www.taguette.org, BSD-3-Clause) exports a project's codebook as a REFI-QDA
.qdc through ``taguette.export.codebook_xml(tags, file)``; its web handler
(``taguette.web.export.ExportCodebookXml``) calls exactly that with ``list(project.tags)``.
This script does the same without a server: it creates a Taguette database in a temporary
folder, adds a project the way ``taguette.web.views.ProjectAdd`` does (an admin member and
the default tag "interesting"), adds a few more tags, and exports the codebook.

Run it with a Python that has Taguette installed, never the project's own venv:

    python3 -m venv /tmp/taguette-venv && /tmp/taguette-venv/bin/pip install taguette
    /tmp/taguette-venv/bin/python tests/data/refi/make_taguette_qdc.py

The tags exercise what a reader must cope with: a hierarchical path ("barriers.stigma"),
characters XML must escape, a non-ASCII name, and Taguette's own quirks (upper-case GUIDs,
no descriptions in the .qdc, and an empty <Sets/> that Codebook.xsd forbids).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "taguette-codebook.qdc"

TAGS = [
    ("hope", "Hope and optimism about recovery"),
    ("barriers.stigma", "Stigma in clinical teams"),
    ("barriers.role ambiguity", "Unclear peer-worker roles"),
    ("peer support & <training>", "Training of peer workers"),
    ("autonomía", "Non-ASCII tag name"),
]


def main(out: Path = OUT) -> Path:
    import taguette
    from taguette import database, export

    with tempfile.TemporaryDirectory() as tmp:
        db = database.connect(f"sqlite:///{Path(tmp) / 'taguette.sqlite3'}")()
        db.add(database.User(login="admin"))
        project = database.Project(name="Peer support", description="thematic test fixture")
        db.add(project)
        db.add(database.ProjectMember(project=project, user_login="admin",
                                      privileges=database.Privileges.ADMIN))
        # What ProjectAdd adds to every new project (English locale).
        db.add(database.Tag(project=project, path="interesting",
                            description="Further review required"))
        for path, description in TAGS:
            db.add(database.Tag(project=project, path=path, description=description))
        db.commit()
        with open(out, "wb") as fh:
            export.codebook_xml(list(project.tags), fh)
        db.close()
    print(f"{out}: written by Taguette {taguette.__version__}", file=sys.stderr)
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
