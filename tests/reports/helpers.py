"""Reading a rendered report back: text of the HTML, rows of its tables, text of the PDF."""
import html as html_lib
import re

_TAG = re.compile(r"<[^>]+>")


def squash(text: str) -> str:
    return " ".join(text.split())


def html_text(document: str) -> str:
    """Visible text of the report (footnote bodies included, where the browser hides them)."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", document, flags=re.S)
    return squash(html_lib.unescape(_TAG.sub(" ", body))).replace(" ,", ",").replace(" .", ".")


def table_rows(document: str, css_class: str, kind: str = "report-table") -> list[list[str]]:
    """Cell texts of each body row of `<table class="{kind} {css_class}">`."""
    match = re.search(rf'<table class="{kind} {css_class}">(.*?)</table>', document, flags=re.S)
    assert match, css_class
    body = match.group(1).split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        rows.append([squash(html_lib.unescape(_TAG.sub(" ", td))) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)])
    return rows


def body(response) -> bytes:
    """The bytes of a response, streamed (a stored file) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
