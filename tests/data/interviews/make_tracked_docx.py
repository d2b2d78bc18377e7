"""Write tracked-table.docx: an INVENTED transcript fragment with a speaker table, a tracked
insertion and deletion, a content control and a footnote (python-docx, then raw XML).

    python tests/data/interviews/make_tracked_docx.py tests/data/interviews/tracked-table.docx
"""
import sys
import zipfile

import docx
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
d = docx.Document()
d.core_properties.author = "thematic tests"
d.add_heading("Interview 9 (INVENTED EXAMPLE for tests)", level=1)
p = d.add_paragraph("The participant ")
p._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="Editor" w:date="2026-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">clearly </w:t></w:r></w:ins>'))
p._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="Editor" w:date="2026-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve">never </w:delText></w:r></w:del>'))
p.add_run("valued the weekly supervision with a senior peer worker.")
t = d.add_table(rows=3, cols=2)
for row, (who, said) in zip(t.rows, [("Interviewer", "What made the role clearer for you?"),
                                     ("Participant", "Writing the job description together with the other peer workers, so everyone knew what we were for."),
                                     ("Interviewer", "And what is still hard?")]):
    row.cells[0].text, row.cells[1].text = who, said
body = d.element.body
sdt = parse_xml(f'<w:sdt {W}><w:sdtPr><w:alias w:val="Answer"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Participant: The funding, every year we wait to hear if the posts continue.</w:t></w:r></w:p></w:sdtContent></w:sdt>')
body.insert(len(body) - 1, sdt)
d.save(sys.argv[1])

# add a footnotes part (python-docx's template has none) by rewriting the package

src = zipfile.ZipFile(sys.argv[1])
items = {i.filename: src.read(i.filename) for i in src.infolist()}
src.close()
items["word/footnotes.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    f'<w:footnote w:id="1"><w:p><w:r><w:t>Transcriber: the participant asked that the site not be named.</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
rels = items["word/_rels/document.xml.rels"].decode()
rels = rels.replace("</Relationships>", '<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
items["word/_rels/document.xml.rels"] = rels.encode()
ct = items["[Content_Types].xml"].decode()
ct = ct.replace("</Types>", '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
items["[Content_Types].xml"] = ct.encode()
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as out:
    for name, data in items.items():
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(info, data)
