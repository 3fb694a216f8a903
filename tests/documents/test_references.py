"""A document reference's parts, and the address ``TSAGBOT_DOCUMENT_URL`` makes of them."""

from __future__ import annotations

import pytest

from bot.documents.references import DocumentReference, document_url, parse_reference
from bot.plan.documents import linked
from bot.plan.updates.parse import extract_documents
from bot.render import PLAIN_DOCUMENTS, DocumentLinks

ITU = "https://www.itu.int/md/T25-{group}-{kind}-{number:04d}{revision}/en"


@pytest.mark.parametrize(
    ("written", "parts", "url"),
    [
        ("TD 553R2", ("TD", 553, "R2", "TSAG"), "T25-TSAG-TD-0553R2"),
        ("TSAG-TD206", ("TD", 206, "", "TSAG"), "T25-TSAG-TD-0206"),
        ("TD125-R1", ("TD", 125, "R1", "TSAG"), "T25-TSAG-TD-0125R1"),
        ("SG2-TD1R3/PLEN", ("TD", 1, "R3", "SG2"), "T25-SG2-TD-0001R3"),
        ("TD137/WP1", ("TD", 137, "", "TSAG"), "T25-TSAG-TD-0137"),
        ("C 91", ("C", 91, "", "TSAG"), "T25-TSAG-C-0091"),
        ("SG3-C2", ("C", 2, "", "SG3"), "T25-SG3-C-0002"),
        ("TSB Circ. 65", ("Circular", 65, "", "TSB"), "T25-TSB-Circular-0065"),
        ("COM 17-R 12", ("R", 12, "", "SG17"), "T25-SG17-R-0012"),
    ],
)
def test_a_reference_read_from_a_message_has_its_parts_and_address(
    written: str, parts: tuple[str, int, str, str], url: str
) -> None:
    [name] = extract_documents(written)
    assert parse_reference(name) == DocumentReference(*parts)
    assert document_url(ITU, name) == f"https://www.itu.int/md/{url}/en"
    assert document_url("", name) is None


@pytest.mark.parametrize("name", ["", "SG17", "TD", "report.docx", "TD553 <!channel>"])
def test_what_is_not_a_reference_has_no_address(name: str) -> None:
    assert parse_reference(name) is None
    assert document_url(ITU, name) is None


def test_a_reference_is_a_link_only_where_a_template_gives_an_address() -> None:
    links = DocumentLinks("https://docs.example/{kind}{number}")
    assert links.join(["TD553", "<!here>"]) == ("<https://docs.example/TD553|TD553>, &lt;!here&gt;")
    assert PLAIN_DOCUMENTS.join(["TD553", "<!here>"]) == "TD553, &lt;!here&gt;"
    # a template whose address would not be safe in Slack's syntax shows the name as text
    assert DocumentLinks("https://docs.example/a b/{number}").one("TD553") == "TD553"


def test_references_in_free_text_become_links_and_the_rest_is_escaped() -> None:
    links = DocumentLinks("https://docs.example/{group}/{kind}{number}{revision}")
    text = "<!channel> see TSAG-TD 553R2 & C91; TSAG TDs 29, 199 stay text"
    assert linked(links, text) == (
        "&lt;!channel&gt; see <https://docs.example/TSAG/TD553R2|TSAG-TD 553R2> &amp; "
        "<https://docs.example/TSAG/C91|C91>; TSAG TDs 29, 199 stay text"
    )
    assert linked(PLAIN_DOCUMENTS, text) == (
        "&lt;!channel&gt; see TSAG-TD 553R2 &amp; C91; TSAG TDs 29, 199 stay text"
    )
