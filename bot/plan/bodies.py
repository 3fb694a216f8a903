"""Who acts on an action item: the bodies its own text and Section I name.

An item's *responsible bodies* are read from two places:

* the item's own text: its subject (``SG17, in close collaboration with all
  other ITU-T SGs, establish...`` acts: SG17; ``TSBDir to report...``), the
  clause it quotes (``(instructs 4 SG17)``, ``(instructs SGs + TSAG 3)``), the
  bodies it works with (``in collaboration with BDTDir``) and the ones it
  reports to (``regular reports to TSAG``);
* its Resolution's row of Section I (action by, collaboration with, report to),
  which says who acts when the item's text names nobody (``Annual report on
  ...``) and is always shown next to it.

Derived at read time, not stored: both sources are stored already (the action
text, and Section I on the Resolution), so the bodies follow every re-import,
edit and edition without a migration or a backfill, and reading them for the
whole plan (about 400 items) takes a tenth of a second of regular expressions the
first time, and nothing once the texts are cached (:func:`from_text` is pure).

Bodies are normalised to one name each: ``SG2`` .. ``SG20`` (``Study Group 17``,
``ITU-T SG17``, ``SGs 11 and 17``, ``Q3/17``), ``All SGs`` (``All ITU-T SGs``,
``study groups``), ``TSAG``, ``TSB``, ``TSBDir``, ``BDT`` (also ITU-D and its
Director), ``BR`` (also ITU-R), ``Council``, ``Secretary-General``,
``Membership`` (Member States, Sector Members, Associates, academia), ``WTSA``,
``PP``, ``Regional groups``, ``Regional offices`` and named groups
(``JCA-IoT``, ``CASC``, ``QSDG``, ``WISE``, ``CCV``, ``SCV``).

``TSBDir`` is kept apart from ``TSB``: the plan addresses its instructions to
the Director (``instructs TSBDir 4``) and its own work to the Bureau (``TSB to
provide interpretation``), and Section I has a TSB column only.  Asking for
``tsb`` (:func:`matches`) finds both; asking for ``tsbdir`` finds the Director's
items alone.  ``All SGs`` is not counted as each study group: ``/action sg17``
lists what names SG17, not every item of every study group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.plan.ids import normalize_dashes
from bot.plan.section_one import WTSA_20_LAYOUT, group_cells
from bot.store.models import ActionItem, Resolution

ALL_SGS = "All SGs"
TSB = "TSB"
TSBDIR = "TSBDir"
MEMBERSHIP = "Membership"
STUDY_GROUPS = frozenset({2, 3, 5, 9, 11, 12, 13, 15, 16, 17, 20})

_SG_NUMBERS = r"\d{1,2}(?:\s*(?:,\s*and|,|\+|and|&|or)\s*(?:SGs?\s*)?\d{1,2})*"
# Each alternative names one body (or, for study groups, a list of numbers).
_BODY = re.compile(
    r"(?P<other>ITU-[DR]\s+(?:SGs?|study groups?|Q(?:uestion)?)\s*[\d/]*"
    r"|(?:the\s+)?Director of (?:the\s+)?(?:Telecommunication Development Bureau|BDT)"
    r"|(?:the\s+)?Director of (?:the\s+)?(?:Radiocommunication Bureau|BR))"
    r"|(?P<sgs>(?:ITU-T\s+)?(?:SGs?|Study\s+Groups?)\s*(?:\(\s*(?:SGs?\s*)?)?"
    r"(?P<numbers>" + _SG_NUMBERS + r"))"
    r"|(?P<question>\bQ\d{1,2}/(?P<qsg>\d{1,2}))"
    r"|(?P<allsgs>(?:(?P<qualifier>relevant|other|lead|respective)\s+)?(?:ITU-T\s+)?"
    r"(?:SGs|study groups)\b)"
    r"|(?P<tsbdir>TSB\s?Dir(?:ector)?\b|Director of (?:the\s+)?(?:TSB\b|Telecommunication "
    r"Standardization Bureau))"
    r"|(?P<tsb>\bTSB\b|Telecommunication Standardization Bureau)"
    r"|(?P<tsag>\bTSAG\b|Telecommunication Standardization Advisory Group)"
    r"|(?P<bdt>\bBDT(?:\s?Dir(?:ector)?)?\b|Telecommunication Development Bureau|\bITU-D\b)"
    r"|(?P<br>\bBR(?:\s?Dir(?:ector)?)?\b|Radiocommunication Bureau|\bITU-R\b)"
    r"|(?P<council>\bCouncil\b)"
    r"|(?P<secgen>Secretary[- ]General|\bSec-?Gen\b|\bGenSec\b)"
    r"|(?P<membership>\bmembership\b|Member States|Sector Members|\bMSs?\b|\bSMs\b"
    r"|\bAssociates\b|\bacademia\b)"
    r"|(?P<wtsa>\bWTSA\b)"
    r"|(?P<pp>\bPP\b|Plenipotentiary)"
    r"|(?P<regional_groups>regional groups)"
    r"|(?P<regional_offices>regional offices)"
    r"|(?P<group>\bJCA-[A-Za-z0-9-]+|\bCASC\b|\bQSDG\b|\bWISE\b|\bCCV\b|\bSCV\b)",
    re.IGNORECASE,
)
_NAMES = {
    "tsbdir": TSBDIR,
    "tsb": TSB,
    "tsag": "TSAG",
    "bdt": "BDT",
    "br": "BR",
    "council": "Council",
    "secgen": "Secretary-General",
    "membership": MEMBERSHIP,
    "wtsa": "WTSA",
    "pp": "PP",
    "regional_groups": "Regional groups",
    "regional_offices": "Regional offices",
}
# Where the subject of an item ends: its verb.
_VERB = re.compile(
    r"\b(?:to|shall|should|is|are|needs?|continues?|carry|encourage|further|accelerate|"
    r"organi[sz]e|provide|report|based|in order|develop|on|for)\b",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"\b(?:in (?:close |continued and enhanced )?(?:collaboration|cooperation|consultation|"
    r"coordination|liaison) with|with the (?:involvement|support) of|supported (?:particularly )?by"
    r"|where appropriate with|together with)\b"
    r"(?P<rest>[^;]*?(?:\)(?=,)|(?=,\s*(?:to|should|shall)\b|\s(?:to|should|shall)\b|;|$)))"
    r"|\((?P<paren>with [^)]*)\)",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    r"\((?:[^()]*?\b)?(?:instructs?|resolves|invites|requests)\b(?P<who>[^()]*)\)",
    re.IGNORECASE,
)
_REPORTS = re.compile(
    r"\b(?:reports?|report(?:ing)? back|submit\w*|inform\w*|present\w*)\b[^.;()]*?\bto\s+"
    r"(?:(?:the|each|every|its|next|meeting|meetings|of|session)\s+)*(?P<to>[A-Za-z-]+)",
    re.IGNORECASE,
)
# In a quoted clause, ``SGs 2`` is paragraph 2 addressed to the study groups (while
# ``SG2``, ``SGs11+17`` and ``SGs 11 and 17`` name study groups).
_PARAGRAPH = re.compile(r"\bSGs?\s+\d{1,2}\b(?!\s*(?:\+|and\b|,\s*\d))", re.IGNORECASE)
# ``WTSA-20 invites TSAG to...``: the Assembly asks, the body after it acts.
_ADOPTED_BY = re.compile(r"^WTSA(?:-\d+)?\s+(?:invites|instructs|requests)\s+", re.IGNORECASE)
# Section I's columns, as bodies.
_COLUMN_BODY = {
    "SGs": ALL_SGS,
    "TSAG": "TSAG",
    "TSB": TSB,
    "Membership": MEMBERSHIP,
    "Council": "Council",
    "GenSec": "Secretary-General",
    "BDT ITU-D": "BDT",
    "BR ITU-R": "BR",
    "WTSA": "WTSA",
    "PP": "PP",
}


@dataclass(frozen=True)
class Responsibility:
    """Who acts on an item, who works with it, and to whom it reports.

    ``acts`` comes from the item's text, or from Section I's "action by" when the
    text names nobody (``from_section_one`` says so); ``collaboration`` is the
    item's own (Section I's is the whole Resolution's, shown with it);
    ``report_to`` joins the item's own to Section I's.
    """

    acts: tuple[str, ...]
    collaboration: tuple[str, ...] = ()
    report_to: tuple[str, ...] = ()
    from_section_one: bool = False

    @property
    def bodies(self) -> tuple[str, ...]:
        """The responsible bodies: those that act, then those they work with."""
        return tuple(dict.fromkeys((*self.acts, *self.collaboration)))


def bodies_in(text: str) -> list[str]:
    """The bodies a text names, normalised, each once, in the order named."""
    found: dict[str, None] = {}
    for match in _BODY.finditer(normalize_dashes(text)):
        for body in _body_names(match):
            found[body] = None
    return list(found)


def _body_names(match: re.Match[str]) -> list[str]:
    if match["other"]:
        word = match["other"].lower()
        return ["BDT" if "itu-d" in word or "development" in word else "BR"]
    if match["sgs"]:
        numbers = [int(n) for n in re.findall(r"\d{1,2}", match["numbers"])]
        return [f"SG{n}" for n in numbers if n in STUDY_GROUPS]
    if match["question"]:
        number = int(match["qsg"])
        return [f"SG{number}"] if number in STUDY_GROUPS else []
    if match["allsgs"]:
        return [] if match["qualifier"] and match["qualifier"].lower() == "relevant" else [ALL_SGS]
    if match["group"]:
        return [match["group"].upper() if len(match["group"]) <= 4 else match["group"]]
    for group, name in _NAMES.items():
        if match[group]:
            return [name]
    return []


@lru_cache(maxsize=4096)
def from_text(action: str) -> Responsibility:
    """What an item's own text says of who acts, works with it and is reported to."""
    text = _ADOPTED_BY.sub("", " ".join(normalize_dashes(action).split()))
    first = text.split(". ")[0]
    collaboration: list[str] = []
    subject = first
    for match in _WITH.finditer(first):
        collaboration += bodies_in(match["rest"] or match["paren"] or "")
        subject = subject.replace(match.group(0), " ")
    verb = _VERB.search(subject, 1)
    head = subject[: verb.start()] if verb else subject
    acts = bodies_in(head.replace("(", " ").replace(")", " "))
    for clause in _CLAUSE.finditer(text):
        acts += bodies_in(_PARAGRAPH.sub("SGs", clause["who"]))
    report_to = [body for match in _REPORTS.finditer(text) for body in bodies_in(match["to"])]
    acts = list(dict.fromkeys(acts))
    collaboration = [body for body in dict.fromkeys(collaboration) if body not in acts]
    return Responsibility(tuple(acts), tuple(collaboration), tuple(dict.fromkeys(report_to)))


@lru_cache(maxsize=1024)
def section_one_bodies(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The bodies of one Section I group, from its stored text (see :mod:`section_one`):
    a marked column is its body; a column with words, the bodies they name (``SG3,
    SG12``), else the column's (``All`` under SGs)."""
    found: dict[str, None] = {}
    for name, cell in zip(names, group_cells(text, names), strict=True):
        if not cell:
            continue
        named = bodies_in(cell.replace("X", " ")) if cell.strip() != "X" else []
        column = _COLUMN_BODY.get(name)
        for body in named or ([column] if column else []):
            found[body] = None
        if column and cell.strip().upper().startswith("X"):
            found[column] = None
    return tuple(found)


def from_section_one(resolution: Resolution) -> Responsibility:
    """A Resolution's Section I row as bodies (the WTSA-20 layout's columns)."""
    action_names, with_names, report_names = WTSA_20_LAYOUT
    return Responsibility(
        section_one_bodies(resolution.action_by, action_names),
        section_one_bodies(resolution.collaboration, with_names),
        section_one_bodies(resolution.report_to, report_names),
        from_section_one=True,
    )


def responsibility(item: ActionItem) -> Responsibility:
    """Who acts on an item (its text first, Section I when the text names nobody)."""
    own = from_text(item.action)
    section = from_section_one(item.resolution)
    acts = own.acts or section.acts
    collaboration = [b for b in dict.fromkeys((*own.collaboration,)) if b not in acts]
    report_to = tuple(dict.fromkeys((*own.report_to, *section.report_to)))
    return Responsibility(
        tuple(acts), tuple(collaboration), report_to, from_section_one=not own.acts
    )


# -- naming a body in a query -------------------------------------------------------------

_QUERY_BODY = re.compile(
    r"^(?:itu-t\s+)?(?:sg|study\s*group)\s*-?\s*(?P<sg>\d{1,2})$"
    r"|^(?P<all>all\s+(?:itu-t\s+)?(?:sgs|study\s+groups)|sgs|study\s+groups)$"
    r"|^(?P<tsbdir>tsb\s*dir(?:ector)?|director)$"
    r"|^(?P<tsb>tsb|bureau)$"
    r"|^(?P<tsag>tsag)$"
    r"|^(?P<bdt>bdt|itu-d)$"
    r"|^(?P<br>br|itu-r)$"
    r"|^(?P<council>council)$"
    r"|^(?P<secgen>secgen|sec-gen|gensec|secretary[- ]general)$"
    r"|^(?P<membership>membership|members|member states|mss?|sms)$"
    r"|^(?P<regional_groups>regional groups)$",
    re.IGNORECASE,
)


def body_named(text: str) -> str | None:
    """The body a query word names (``sg17``, ``SG 17``, ``SG-17``, ``Study Group 17``, ``tsb``,
    ``TSBDir``, ``council``...), else None."""
    match = _QUERY_BODY.match(" ".join(normalize_dashes(text).strip().split()))
    if match is None:
        return None
    if match["sg"]:
        number = int(match["sg"])
        return f"SG{number}" if number in STUDY_GROUPS else None
    if match["all"]:
        return ALL_SGS
    return next(_NAMES[group] for group in _NAMES if match.groupdict().get(group))


def matches(found: Responsibility, body: str) -> bool:
    """Whether ``body`` (as :func:`body_named` gives it) is responsible: ``TSB`` also
    finds what its Director does."""
    wanted = {TSB, TSBDIR} if body == TSB else {body}
    return bool(wanted.intersection(found.bodies))


def listed(bodies: Iterable[str]) -> str:
    """``SG17``, ``SG17 and TSB``, ``SG11, SG17 and TSBDir``."""
    names = list(bodies)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def who_acts(found: Responsibility) -> str:
    """``SG17, in collaboration with All SGs; reports to TSAG`` (plain text)."""
    text = listed(found.acts) or "not named"
    if found.collaboration:
        text += f", in collaboration with {listed(found.collaboration)}"
    if found.report_to:
        text += f"; reports to {listed(found.report_to)}"
    if found.from_section_one:
        text += " (Section I)"
    return text
