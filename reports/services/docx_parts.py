"""Package parts of a DOCX that python-docx does not write: Word footnotes, the document
properties of the issuing body, and a zip with fixed dates so the same data gives the same
bytes.

Used by render_docx (the analysis report). Everything here works on a python-docx
`Document` before it is saved, except `normalise_zip`, which rewrites the saved bytes.
"""
from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_PARTNAME = "/word/footnotes.xml"
FOOTNOTE_TEXT = "FootnoteText"  # style ids of Word's built-in "footnote text" / "footnote reference"
FOOTNOTE_REFERENCE = "FootnoteReference"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an XML part can hold: control characters (pasted from other programs) dropped."""
    return _CONTROL.sub("", text or "")


# ---- footnotes ---------------------------------------------------------------------------

def _footnote_styles(document, *, size_pt: float = 11):
    """Word's built-in "footnote text" (justified, no indent, `size_pt`) and "footnote
    reference" (superscript) styles, added once; the ids are the ones Word itself uses."""
    styles = document.styles.element
    if styles.xpath(f'w:style[@w:styleId="{FOOTNOTE_TEXT}"]'):
        return
    half_points = round(size_pt * 2)
    styles.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{FOOTNOTE_TEXT}">'
        '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="both"/></w:pPr>'
        f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr></w:style>'))
    styles.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="character" w:styleId="{FOOTNOTE_REFERENCE}">'
        '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>'
        '<w:unhideWhenUsed/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'))


def add_footnotes(document, notes: list[tuple[int, str]], *, size_pt: float = 11) -> None:
    """Give the document a footnotes part (/word/footnotes.xml) holding `notes`
    ((id, text), ids from 1, in reading order) after the separator (-1) and continuation
    separator (0) that Word requires, related from the document part, with the footnote
    styles and the document's footnote settings. The calls are `footnote_reference` runs."""
    _footnote_styles(document, size_pt=size_pt)
    body = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    for note_id, text in notes:
        body.append(
            f'<w:footnote w:id="{int(note_id)}"><w:p><w:pPr><w:pStyle w:val="{FOOTNOTE_TEXT}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{FOOTNOTE_REFERENCE}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escape(xml_text(text))}</w:t></w:r></w:p></w:footnote>')
    xml = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           f'<w:footnotes {nsdecls("w", "r")}>' + "".join(body) + "</w:footnotes>")
    part = Part(PackURI(FOOTNOTES_PARTNAME), FOOTNOTES_CONTENT_TYPE, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    _footnote_settings(document)


def _footnote_settings(document) -> None:
    """<w:footnotePr> in settings.xml naming the two separators, as Word writes it (the
    schema puts it before <w:endnotePr>/<w:compat>)."""
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    for tag in ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:themeFontLang"):
        following = settings.find(qn(tag))
        if following is not None:
            following.addprevious(pr)
            return
    settings.append(pr)


def footnote_reference(paragraph, note_id: int):
    """A run calling footnote `note_id` (Word numbers the calls itself, in order)."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:rStyle w:val="{FOOTNOTE_REFERENCE}"/></w:rPr>'))
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{int(note_id)}"/>'))
    return run


# ---- document properties -----------------------------------------------------------------

def fixed_datetime(date: dt.date | None, year: int) -> dt.datetime:
    """The document's date: the report's date at 00:00 UTC, else 1 January of the year after
    the reported one (when reports are written). Never the time of the render."""
    day = date or dt.date(year + 1, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _cap(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def set_properties(document, *, author: str, title: str, subject: str, keywords: str, category: str,
                   description: str, identifier: str, status: str, when: dt.datetime, language: str = "vi-VN") -> None:
    """Core properties (docProps/core.xml) from the report record, replacing the template's
    ("python-docx", 2013); the extended properties (docProps/app.xml) name the issuing body
    only. The template's thumbnail (a picture of an empty page) is dropped."""
    props = document.core_properties
    # Core properties hold at most 255 characters each (python-docx refuses more): a long
    # issuing body or subject is cut there, never a failed document.
    props.author = _cap(author)
    props.last_modified_by = _cap(author)
    props.title = _cap(title)
    props.subject = _cap(subject)
    props.keywords = _cap(keywords)
    props.category = _cap(category)
    props.comments = description
    props.identifier = _cap(identifier)
    props.content_status = _cap(status)
    props.language = language
    props.created = when.replace(tzinfo=None)
    props.modified = when.replace(tzinfo=None)
    props.revision = 1
    package = document.part.package
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                f"<Template>Normal.dotm</Template><TotalTime>0</TotalTime><DocSecurity>0</DocSecurity>"
                f"<Company>{escape(xml_text(author))}</Company><LinksUpToDate>false</LinksUpToDate>"
                "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
            ).encode("utf-8")
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rId)
    settings = document.settings.element
    for el in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(el)


def set_language(document, language: str = "vi-VN") -> None:
    """Vietnamese as the text's language (spelling, hyphenation) in the defaults and the
    theme-font setting, and the defaults' theme fonts replaced by the Normal font."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)
        theme_lang.set(qn("w:eastAsia"), language)


# ---- same bytes for the same data --------------------------------------------------------

def normalise_zip(blob: bytes, when: dt.datetime | None = None) -> bytes:
    """The saved package rewritten with every entry dated `when` (default 1980-01-01, the
    zip format's first day), [Content_Types].xml first and the other parts sorted by name,
    the same compression and attributes: rendering the same data twice gives the same bytes
    (python-docx stamps each entry with the time of the save)."""
    stamp = (when.year, when.month, when.day, 0, 0, 0) if when and when.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    source = ZipFile(BytesIO(blob))
    names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
    out = BytesIO()
    with ZipFile(out, "w") as target:
        for name in names:
            info = ZipInfo(name, date_time=stamp)
            info.compress_type = ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compress_type=ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()
