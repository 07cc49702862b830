"""Metadata is personal data: authors, comments, tracked changes, hidden text, notes, properties."""

from __future__ import annotations

import io

from scanner.extract.base import TextSegment
from tests.extract import files
from tests.extract.files import PERSON, one

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# Markup as Word writes it: a tracked insertion and deletion, a hidden run, a VML text box.
TRACKED = (
    f"<w:p {W_NS}><w:r><w:t xml:space='preserve'>Salary agreed with </w:t></w:r>"
    "<w:ins w:id='1' w:author='Priya Patel' w:date='2024-01-02T00:00:00Z'>"
    "<w:r><w:t>Tom Baker</w:t></w:r></w:ins>"
    "<w:del w:id='2' w:author='Priya Patel' w:date='2024-01-02T00:00:00Z'>"
    "<w:r><w:delText>Ann Smith, NI AB 12 34 56 C</w:delText></w:r></w:del>"
    "<w:r><w:rPr><w:vanish/></w:rPr><w:t>Private: 07700 900123</w:t></w:r></w:p>"
)
BOX = (
    f"<w:p {W_NS} xmlns:v='urn:schemas-microsoft-com:vml'><w:r><w:pict><v:shape><v:textbox>"
    "<w:txbxContent><w:p><w:r><w:t>Boxed: Dr Who</w:t></w:r></w:p></w:txbxContent>"
    "</v:textbox></v:shape></w:pict></w:r></w:p>"
)


def rich_docx() -> bytes:
    import docx
    from docx.oxml import parse_xml

    d = docx.Document(io.BytesIO(files.docx_file()))
    d.core_properties.author = "Jane Smith"
    d.core_properties.last_modified_by = "Priya Patel"
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(TRACKED))
    body.insert(len(body) - 1, parse_xml(BOX))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_docx_tracked_changes_hidden_text_boxes_and_authors() -> None:
    node = one(rich_docx(), "contract.docx")
    texts = node.texts()
    assert texts["paragraph 4"] == "Salary agreed with Tom Baker"  # insertion in, hidden out
    assert texts["deletion 1"] == "Ann Smith, NI AB 12 34 56 C"
    assert texts["hidden text 1"] == "Private: 07700 900123"
    assert texts["text box 1"] == "Boxed: Dr Who"
    assert "paragraph 5" not in texts  # the box's paragraph has no text of its own
    assert texts["metadata:author"] == "Name: Jane Smith"
    assert texts["metadata:last_modified_by"] == "Name: Priya Patel"
    assert texts["metadata:revision_author"] == "Name: Priya Patel"
    assert texts["metadata:comment_author"] == "Name: HR"
    assert texts["comment 1"] == "Check Zoë's NI number QQ123456C"


def test_pptx_comments_and_their_authors() -> None:
    import zipfile

    data = files.pptx_file()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    p_ns = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "ppt/slides/_rels/slide2.xml.rels":
                rel = (
                    '<Relationship Id="rIdC" Target="../comments/comment1.xml" Type="http://'
                    'schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>'
                )
                content = content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            z.writestr(info, content)
        z.writestr(
            "ppt/commentAuthors.xml",
            f'<p:cmAuthorLst {p_ns}><p:cmAuthor id="0" name="Jane Smith" initials="JS" '
            'lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
        )
        z.writestr(
            "ppt/comments/comment1.xml",
            f'<p:cmLst {p_ns}><p:cm authorId="0" idx="1"><p:pos x="1" y="1"/>'
            f"<p:text>Ask {PERSON} about 07700 900123</p:text></p:cm></p:cmLst>",
        )
    texts = one(out.getvalue(), "deck.pptx").texts()
    assert texts["slide 2 comment 1"] == f"Ask {PERSON} about 07700 900123"
    assert texts["metadata:comment_author"] == "Name: Jane Smith"


def test_xlsx_cell_comments_and_properties() -> None:
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    wb.properties.creator = "Jane Smith"
    ws = wb.active
    ws.title = "Staff"
    ws["B2"] = "salary"
    ws["B2"].comment = Comment(f"{PERSON} asked for a raise", "Tom Baker")
    out = io.BytesIO()
    wb.save(out)
    texts = one(out.getvalue(), "staff.xlsx").texts()
    assert texts["Staff!B2 comment"].endswith(f"{PERSON} asked for a raise")
    assert texts["metadata:author"] == "Name: Jane Smith"
    assert texts["metadata:comment_author"] == "Name: Tom Baker"


def test_odt_meta_creator() -> None:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    doc.meta.addElement(meta.InitialCreator(text="Jane Smith"))
    doc.meta.addElement(dc.Creator(text="Priya Patel"))
    doc.text.addElement(P(text="Minutes"))
    out = io.BytesIO()
    doc.save(out)
    texts = one(out.getvalue(), "minutes.odt").texts()
    assert texts["metadata:author"] == "Name: Jane Smith"
    assert texts["metadata:last_modified_by"] == "Name: Priya Patel"


def test_metadata_names_are_found_by_the_real_name_detector() -> None:
    """The `Name: <value>` shape is what the name cue needs; the model alone misses bare names."""
    from detectors.registry import build_detector
    from scanner.config import DetectorSettings

    detector = build_detector(DetectorSettings())
    segments = [
        TextSegment("metadata:author", "Name: Jane Smith"),
        TextSegment("exif:Artist", "Name: Wei Zhang"),
        TextSegment("metadata:last_modified_by", "Name: Priya Patel"),
    ]
    found = {(d.location, d.entity_type, d.value) for d in detector.detect(segments)}
    assert found >= {
        ("metadata:author", "PERSON", "Jane Smith"),
        ("exif:Artist", "PERSON", "Wei Zhang"),
        ("metadata:last_modified_by", "PERSON", "Priya Patel"),
    }
