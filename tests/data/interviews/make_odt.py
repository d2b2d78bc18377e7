"""Write entretien-05.odt: an INVENTED French interview as OpenDocument text, with a
speaker table, a tracked deletion and insertion, and a footnote (for the .odt reader tests).

    python tests/data/interviews/make_odt.py tests/data/interviews/entretien-05.odt
"""

import sys
import zipfile

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"')
CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS} office:version="1.3"><office:body><office:text>
<text:tracked-changes>
 <text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>Relecture</dc:creator></office:change-info><text:p>jamais</text:p></text:deletion></text:changed-region>
 <text:changed-region text:id="ct2"><text:insertion><office:change-info><dc:creator>Relecture</dc:creator></office:change-info></text:insertion></text:changed-region>
</text:tracked-changes>
<text:h text:outline-level="1">Entretien 5 — EXEMPLE INVENTÉ pour les tests</text:h>
<text:p>ENQUÊTEUR : Comment se passe la supervision ?</text:p>
<text:p>MARC : Au début je n'avais <text:change text:change-id="ct1"/>pas de supervision du tout. Maintenant je vois une pair-aidante <text:change-start text:change-id="ct2"/>expérimentée<text:change-end text:change-id="ct2"/> tous les quinze jours.<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Le nom du service a été retiré.</text:p></text:note-body></text:note></text:p>
<table:table table:name="Suite">
 <table:table-row><table:table-cell><text:p>ENQUÊTEUR</text:p></table:table-cell><table:table-cell><text:p>Et l'équipe, elle comprend votre rôle ?</text:p></table:table-cell></table:table-row>
 <table:table-row><table:table-cell><text:p>MARC</text:p></table:table-cell><table:table-cell><text:p>Pas toujours. Certains collègues me demandent encore<text:s/> de faire l'accueil quand il manque du monde.</text:p></table:table-cell></table:table-row>
</table:table>
</office:text></office:body></office:document-content>
"""
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

with zipfile.ZipFile(sys.argv[1], "w") as out:
    for name, data, how in (("mimetype", "application/vnd.oasis.opendocument.text",
                             zipfile.ZIP_STORED),
                            ("content.xml", CONTENT, zipfile.ZIP_DEFLATED),
                            ("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)):
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = how
        out.writestr(info, data)
