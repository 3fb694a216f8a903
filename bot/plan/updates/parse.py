"""What one Slack message says about action items, as plain data.

Pure functions: no Slack client, no database, no clock. ``parse_message`` takes the
``text`` field of a Slack message event and returns which items it marks completed,
marks as meeting their periodic goals, reopens or annotates, which items it asks
about, which documents it cites and every item id it mentions.

The rules, in the order they are applied. The guiding principle is that a missed
update costs a person one more message, while a wrong one silently corrupts the plan,
so anything doubtful records nothing.

Slack markup
    Slack escapes ``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;`` and ``&gt;`` and
    wraps markup in angle brackets. User mentions (``<@U123>``, shown ``@U123`` or
    ``@label``), channel links, ``<!here>``-style specials (shown ``@here``) and URLs
    (``<https://...>``, ``<https://...|label>`` shown ``label (https://...)``, and
    bare ``https://``/``www.`` text) are opaque: no id or status word is read inside
    them, although a link's label is searched for document references. What they
    show stays in a note's text as plain words; output escapes it (bot/render.py).
    Quoted lines (``>`` or ``&gt;`` at the start of a line; ``>>>`` quotes the rest
    of the message), inline code, code blocks and ``~strikethrough~`` are ignored:
    they are someone else's words, examples, or retracted.

Item ids
    An id is ``\\d{1,3}-\\d{1,2}`` or ``\\d{1,3}.\\d{1,2}`` standing alone (any dash:
    hyphen, non-breaking hyphen, en dash...), an explicit ``R50-18`` / ``res 50-18`` /
    ``res 50 item 18`` / ``Resolution 50, item 18`` / ``item 18 of Resolution 50``
    (``items 22 and 23 of Resolution 50``: one id per number), or ``Op-01``. Canonical forms
    come from ``bot.plan.ids`` conventions (``50-8`` -> ``50-08``, ``1-11`` -> ``01-11``).
    A bare number pair is *not* an id when
    - either number is zero (``1-0``, ``14.00``);
    - it is glued to a longer number: a digit then ``.-/:,+`` before it or after it
      (``2023-2024``, ``13:00-15:00``, ``v1.2-3``, ``10-12.03.2024``,
      ``+41-22-730-5111``), unless the neighbour is another id (``50-18/50-20``);
    - it is next to a letter (``Q1-4``, ``TD50-18``, ``10-12h``) or followed by ``%``,
      or preceded by ``+``, a currency sign, ``§``, a dot (Recommendations such as
      ``H.265.2``, ``G.997.1``) or a hyphen glued to a word (``WTSA-20-1``);
    - the word before it is a month or names another kind of number (page, section,
      clause, version, TD, C, from, between...), or the word after it is a month
      (``May`` only when capitalised) or a unit or time word (days, weeks, people,
      CET, am, h, %, million...);
    - dot form only: the first number has one digit (``1.5``, ``3.11`` read as
      decimals) or the word before it is a preposition of time or quantity (``at
      10.30``, ``about 2.25``).
    Document numbers (``TD 553R2``, ``C 91``) never match because they contain no
    dash or dot between two numbers.

Clauses
    The message is cut into clauses at line breaks, ``;``, ``!``, ``?`` and a ``.``
    followed by white space (not after an abbreviation such as ``res.`` or ``no.``
    or a single letter), and at a comma that is followed by a question word
    (``50-18 done, can someone update the tracker?``). Each clause is read on its own.

Ids in one clause joined by ``,``, ``and``, ``et``, ``&``, ``+``, ``/``, ``plus`` or
only white space form one group and share one status word: ``50-22, 50-23 done`` records
both. Groups joined by ``or``/``nor``/``ou`` or written as a range (``50-18 to 50-22``)
record nothing: which items are meant is unclear.

Questions
    A clause is a question when it ends in ``?``, or starts (after a greeting such as
    ``hi``/``quick question:``) with an auxiliary (``is``, ``has``, ``can``...), a
    question word (``what``, ``who``, ``any``...; ``when`` only when an auxiliary
    follows; not ``don't``, which is an order), or when an ``ID:`` line's text starts
    so. A question records nothing; its ids go to ``question`` when it talks about
    status (a status word, or ``status``, ``progress``, ``update``, ``news``,
    ``open``, ``close``...), so that ``can someone look at 50-18?`` does not make the
    bot answer.

Status words
    completed: done, complete, completed, finished, finalised, closed (in French
    terminé, achevé, clôturé, réalisé, fait (not followed by a word: ``fait l'objet``
    is not), with or without accents; ``pas`` negates; ``est``, ``c'est`` are filler),
    the check-mark emoji (``✅``, ``✔️``, ``☑️``, ``:white_check_mark:``, ``:heavy_check_mark:``,
    ``:ballot_box_with_check:``). periodic: ``periodic goal(s) met/achieved/reached``,
    ``met its periodic goals``, ``on track``. reopened: reopen(ed), re-open(ed),
    ``open again``, ``not done/completed/finished/closed after all``.

    A status word applies to the id group right before it when only filler lies in
    between (``is``, ``are``, ``has been``, ``now``, ``all``, ``marked as``,
    ``status``, ``:``, ``-``, ``'s``...): ``50-18 is closed``, ``marked 50-18 as done``.
    Anything else in between - ``not``, ``isn't``, ``won't be``, ``far from``,
    ``almost``, ``to be`` - breaks the link, which is how negations are refused.
    Failing that, a past-tense status word (done, completed, finished, closed,
    reopened, the emoji, periodic phrases; ``complete`` only with a colon) applies to
    the group right after it, across ``:``, ``-``, ``item``, ``action``, ``the``,
    ``for`` (not a comma), unless a negation follows the ids: ``closed 50-18``,
    ``Done: 50-18``, ``periodic goals met for 50-18``. Imperative ``reopen 50-18``
    counts, since reopening is deliberate; ``close 50-18`` / ``complete 50-18`` do
    not (they are usually requests to a person).

Refusals
    Nothing is recorded for a status word when, between the previous id group or
    status word and it, there is a negation (``not``, ``no``, ``never``, any
    ``n't``...), a modal or intention (``will``, ``should``, ``need``, ``want``,
    ``expected``, ``get``, ``keep``, ``make``...), a subordinator (``once``, ``when``,
    ``after``, ``before``, ``until``) or a partial (``almost``, ``nearly``, ``partly``);
    when ``to`` comes right before a prefix status word (``need to reopen 50-18``);
    when anywhere earlier in the clause there is a hedge (``maybe``, ``probably``,
    ``I think``, ``seems``, ``please confirm``, ``check``); when the clause contains
    ``if``, ``unless``, ``whether`` or starts with ``once``/``until``/``when``; or
    when the status word is followed, before any comma, by ``soon``, ``yet``,
    ``tomorrow``, ``later``, ``next``... (``50-18 done next week``).

Notes
    ``update 50-18: TEXT`` (also ``note``, ``status``, ``progress``, ``status
    update on``...; separator ``:`` or `` - ``), or ``50-18 note: TEXT`` (``update``,
    ``progress``, ``status update``), records a note whose text is TEXT,
    unless TEXT begins with a status word (``update 50-18: done`` completes it).
    The implicit form ``50-18: TEXT`` (optionally after ``fyi``/``re``/a bullet)
    is a note too, unless TEXT begins with a status word, begins with a negated one
    (``50-18: not done yet`` records nothing, like ``50-18 not done yet``) or is a
    question. A colon that starts a time (``12:30``) or an emoji code (``:tada:``)
    is not a separator. The note runs to the end of its clause and absorbs the
    following clauses and lines that record nothing themselves, so a multi-sentence
    note stays whole and ``50-18: SG2 agreed; 50-20 done`` still completes 50-20.

Progress notes
    A clause that records no state and asks nothing, whose ids are certain (no ``or``,
    no range), records a note when it has progress wording (``in progress``,
    ``ongoing``, ``under way``, ``partially done``, ``draft``, ``report(ed)``,
    ``submitted``, ``presented``, ``started``, ``FYI``, ``en cours``...) or cites a
    document (``see TD206``, ``C 91``): ``50-18 in progress, report to next TSAG``,
    ``SG17 reported on 50-18, see TSAG-TD206``. Not when the clause has a negation or a
    hedge anywhere, nor an intention or a request (``will``, ``should``, ``please``,
    ``needed``...) before the progress word: ``SG17 will report on 50-18`` records
    nothing. The note is the clause (and the following clauses that record nothing),
    less the ids that open it when ``:``, ``-``, ``,`` or ``→`` follows them
    (``FYI 50-18 — draft report in C 91`` notes ``draft report in C 91``). A clause that
    completes one item and reports progress on another (``50-18 done, 50-20 in
    progress``) records the state only: one line an item says both.
    ``almost``/``nearly done`` stays a prediction and records nothing.

Why nothing (``ParsedMessage.silent``)
    Each id that gets neither an update nor an answer is given the reason its clause
    recorded nothing (:class:`Silence`): negated, unclear (``or``, range), hedged,
    pending (an intention, ``almost``, ``next week``), conditional, unlinked (a status
    word that does not apply: ``close 50-18``), or no status word at all (typos such
    as ``dnoe`` are not guessed). ``ParsedMessage.deserves_hint`` says whether the
    poster should be told (see ``ParsedMessage.addressed``).

Per message
    If an id gets two different states (completed, periodic, reopened), the last one
    wins. A note is kept alongside a state (``50-18 done. Note 50-18: see TD206``
    gives both); two notes for one id keep the last. Updates are listed in the order
    of their final assignment. ``text`` of a state update is the whole message,
    cleaned (markup resolved, mentions and quoted lines dropped, white space tidied).

Document references (``extract_documents``)
    ``TD206``, ``TD 206`` -> ``TD206``; ``TSAG-TD206``, ``TSAG TD 206`` ->
    ``TSAG-TD206``; ``TD 553R2`` -> ``TD553R2``; ``TD125-R1`` -> ``TD125-R1``;
    ``SG2-TD1R3/PLEN``; ``TD137/WP1``; ``TSAG TDs 29, 199`` -> ``TSAG-TD29``,
    ``TSAG-TD199``; ``C 91`` / ``C91`` -> ``C91`` (capital C standing alone, so not
    ``SG17``, ``Q3``, ``ICT 5``, nor ``C95.1``), ``SG3-C2``; ``TSB Circular 65``,
    ``Circular 65``, ``TSB Circ. 65`` -> ``TSB Circular 65``; ``COM 17-R 12`` ->
    ``COM17-R12``. In order of first appearance, without duplicates.

All regular expressions are linear in the input (no nested unbounded quantifiers,
a first-character lookahead so most positions fail at once), the gaps between words
that are examined are bounded in length, and each clause is read once: a message
of 4,000 characters takes about 0.5 ms of prose, 1.5 ms when dense with ids.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from bot.plan.ids import DASHES
from bot.store.vocabulary import UpdateKind

COMPLETED = UpdateKind.COMPLETED
PERIODIC = UpdateKind.PERIODIC
REOPENED = UpdateKind.REOPENED
NOTE = UpdateKind.NOTE


@dataclass(frozen=True)
class ItemUpdate:
    """One thing a message records about one item."""

    item: str
    """Canonical id, e.g. ``50-18``."""
    kind: UpdateKind
    """``completed``, ``periodic``, ``reopened`` or ``note``."""
    text: str
    """The note's text for ``note``; otherwise the whole message, cleaned."""


class Silence(StrEnum):
    """Why a message records nothing for an item it names (worded for its poster)."""

    NEGATED = "negated"
    """``50-18 not done yet``."""
    UNCLEAR = "unclear"
    """``50-18 or 50-20 done``, ``50-18 to 50-22 done``: which items is unclear."""
    HEDGED = "hedged"
    """``I think 50-18 is done``, ``please confirm 50-18 is done``."""
    PENDING = "pending"
    """Not yet: ``50-18 almost done``, ``50-18 will be done next week``."""
    CONDITIONAL = "conditional"
    """``if 50-18 is done...``, ``once 50-18 is done...``."""
    UNLINKED = "unlinked"
    """A status word that does not read as the item's: ``close 50-18``."""
    NO_STATUS = "no_status"
    """No status or progress word at all (``50-18``, ``50-18 dnoe``)."""


@dataclass(frozen=True)
class ParsedMessage:
    updates: list[ItemUpdate] = field(default_factory=list)
    """Empty if the message records nothing."""
    question: list[str] = field(default_factory=list)
    """Ids asked about (``is 50-18 done?``): answer in the thread, record nothing."""
    documents: list[str] = field(default_factory=list)
    """Document references, normalised (``TSAG-TD206``, ``C91``...)."""
    mentioned: list[str] = field(default_factory=list)
    """Every id mentioned outside code, quotes, links and strikethrough."""
    text: str = ""
    """The whole message, cleaned: what its state updates say."""
    asked: bool = False
    """Some clause is a question, about status or not."""
    silent: dict[str, Silence] = field(default_factory=dict)
    """Ids named (outside quotes, code and links) that get neither an update nor an
    answer, each with why."""
    addressed: bool = False
    """(Read only for a message that records and asks nothing but names items.)
    The message is about its items rather than mentioning them in passing: it opens
    with an id (after a greeting, ``fyi``, ``update``, ``item``, a bullet...), or it is
    short (at most :data:`SHORT_MESSAGE` words) and uses a status or progress word;
    and it mentions no person (``<@U...>``: that is a conversation)."""

    @property
    def deserves_hint(self) -> bool:
        """Nothing recorded, nothing asked, yet the message talks about items: its poster
        is told why, and what would record (the rule is :attr:`addressed`)."""
        return not self.updates and not self.asked and bool(self.silent) and self.addressed


SHORT_MESSAGE = 15
"""Words in a message short enough that a status word in it is surely about its ids."""


# --------------------------------------------------------------------------- markup

_MASK = "\ufffc"
"""Stands in for text that must not be read (code, links...): not a word, not space."""

_ZERO_WIDTH = str.maketrans(dict.fromkeys("\u200b\u2060\ufeff\u00ad"))
# One character for one, so that the three views of a message stay aligned (which is
# why this is not bot.plan.ids.normalize_dashes: that one drops invisible characters).
# Joiners stay in what people read (they hold emoji together) but read as spaces.
_NORMAL = str.maketrans({**dict.fromkeys(DASHES, "-"), "\u200c": " ", "\u200d": " "})
_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff1a": ":"})
_QUOTE_LINE = re.compile(r"[ \t]*(?:>|&gt;)")
_QUOTE_REST = re.compile(r"[ \t]*(?:>>>|&gt;&gt;&gt;)")
_MARKUP = re.compile(  # the lookahead lets most positions fail at once
    r"(?=[`<~hHfFwW])(?:"
    r"(?P<block>```.*?```)"
    r"|(?P<code>`[^`\n]+`)"
    r"|<(?P<angle>[^<>\n]*)>"
    r"|(?P<url>\b(?:https?://|ftp://|www\.)[^\s<>]*[^\s<>.,;:!?)\]}'\"])"
    r"|(?P<strike>(?<![^\s(])~[^\s~](?:[^~\n]*[^\s~])?~))",
    re.DOTALL | re.IGNORECASE,
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda match: _ENTITIES[match[1]], text)


@dataclass(frozen=True)
class _Text:
    """Three aligned views of a message: position ``i`` is the same place in each."""

    display: str
    """What people read: markup resolved, mentions and quoted lines dropped."""
    analysis: str
    """Dashes and apostrophes normalised; code, links, entities, strikes masked."""
    documents: str
    """Dashes normalised; URLs, entities and strikes masked, link labels kept."""


class _Builder:
    def __init__(self) -> None:
        self.display: list[str] = []
        self.analysis: list[str] = []
        self.documents: list[str] = []

    def add(self, text: str, *, analysed: bool, documented: bool) -> None:
        if not text:
            return
        normal = text.translate(_NORMAL)
        self.display.append(text)
        self.analysis.append(normal.translate(_PUNCTUATION) if analysed else _MASK * len(text))
        self.documents.append(normal if documented else _MASK * len(text))

    def build(self) -> _Text:
        return _Text("".join(self.display), "".join(self.analysis), "".join(self.documents))


def _unquoted(text: str) -> str:
    lines: list[str] = []
    for line in text.translate(_ZERO_WIDTH).split("\n"):
        if _QUOTE_REST.match(line):
            break
        if not _QUOTE_LINE.match(line):
            lines.append(line)
    return "\n".join(lines)


def _prepare(text: str) -> _Text:
    body = _unquoted(text)
    out = _Builder()
    position = 0
    for match in _MARKUP.finditer(body):
        out.add(_unescape(body[position : match.start()]), analysed=True, documented=True)
        position = match.end()
        kind = match.lastgroup
        if kind in ("block", "code"):
            out.add(_unescape(match[0]), analysed=False, documented=True)
        elif kind in ("url", "strike"):
            out.add(_unescape(match[0]), analysed=False, documented=False)
        else:
            _add_angle(out, match["angle"], match[0])
    out.add(_unescape(body[position:]), analysed=True, documented=True)
    return out.build()


def _add_angle(out: _Builder, inner: str, whole: str) -> None:
    target, _, label = inner.partition("|")
    label = _unescape(label)
    if target.startswith("@"):  # "@bob" (its label) or "@U123": read, never a live mention
        out.add(f"@{label or target[1:]}", analysed=False, documented=False)
    elif target.startswith("#"):
        out.add(f"#{label}" if label else "", analysed=False, documented=False)
    elif target.startswith("!"):
        name = target[1:].split("^")[0]
        fallback = f"@{name}" if name in ("here", "channel", "everyone") else ""
        out.add(label or fallback, analysed=False, documented=False)
    elif _SCHEME.match(target):  # "label (https://...)": what was written, as text
        out.add(label, analysed=False, documented=True)
        address = _unescape(target)
        out.add(f" ({address})" if label else address, analysed=False, documented=False)
    else:  # not Slack markup: a literal "<...>" in text that was never escaped
        out.add(_unescape(whole), analysed=True, documented=True)


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- words


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]|_")


def _tokens(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


_MONTHS = _words(
    "jan january feb february mar march apr april may jun june jul july aug august "
    "sep sept september oct october nov november dec december"
)
_NOT_ID_BEFORE = _words(
    "page pages p pp slide slides section sections sec clause clauses para paras "
    "paragraph paragraphs annex annexes appendix figure figures fig table tables version "
    "versions ver v rev revision release chapter chapters ch step steps phase phases line "
    "lines row rows column columns col td tds doc docs document documents c contribution "
    "contributions circular com rec recommendation recommendations question questions q "
    "sg wp room rooms floor tel phone fax from between score ratio aged age ages dated "
    "python wtsa pp kaleidoscope"
)
_NOT_ID_AFTER = _words(
    "am pm h hr hrs hour hours min mins minute minutes sec secs second seconds day days "
    "week weeks month months year years cet cest utc gmt est edt pst pdt bst ist jst "
    "local o'clock people participants persons delegates experts members pages slides "
    "percent million millions billion thousand k m km kg mb gb tb chf usd eur times x "
    "items"
)
_NOT_ID_BEFORE_DOT = _words(
    "at by around about approx approximately ca circa over under than only just nearly "
    "almost to until till"
)
_NEGATIONS = _words(
    "not no never none nothing nor neither without hardly barely far cannot isnt arent pas "
    "wasnt werent hasnt havent hadnt dont doesnt didnt cant couldnt wouldnt shouldnt "
    "wont"
)
_INTENTIONS = _words(
    "will would should could can may might must shall going gonna need needs want wants "
    "plan plans planned planning expected expect expects expecting hope hopes hoping "
    "soon get getting keep make ensure let let's lets waiting wait pending once when "
    "after before until till unless if whether while almost nearly partly partially "
    "mostly half"
)
_HEDGES = _words(
    "maybe perhaps probably possibly hopefully presumably supposedly likely unlikely "
    "think thinks believe believes guess assume suppose seems seem seemingly unsure "
    "unclear confirm verify check wonder wondering allegedly"
)
_HEDGE = re.compile(
    rf"(?<![^\W_])(?:{'|'.join(sorted(_HEDGES, key=len, reverse=True))})(?![^\W_])",
    re.IGNORECASE,
)
_HYPOTHETICAL = _words("if unless whether provided assuming wonder wondering")
_HYPOTHETICAL_START = _words("once until till when")
_NOT_YET = _words(
    "soon yet tomorrow later next eventually hopefully maybe probably perhaps asap shortly"
)
_AUXILIARIES = _words(
    "is are was were has have had did does do will would can could should shall may "
    "might am isn't aren't wasn't weren't hasn't haven't didn't doesn't won't "
    "wouldn't can't couldn't shouldn't"
)
_QUESTION_WORDS = _words(
    "what what's whats when where why how how's who who's which whose any anyone anybody anything"
)
_INQUIRY = _words(
    "status progress update updates news state open pending outstanding due progressing "
    "ready close closing finish complete completion done"
)
_POSTFIX_FILLER = _words(
    "is are was were has have had been now all both also already finally officially "
    "formally fully successfully just marked as considered got status indeed hereby back "
    "est sont c'est bien tous toutes "
    "' s : - , = > → ( ) [ ] * _ | \ufe0f"
)
_PREFIX_FILLER = _words("for the item items action actions ai ais : - = > → ( [ * _ # \ufe0f")
_NOTE_FILLER = _POSTFIX_FILLER | _NEGATIONS | _INTENTIONS | _words("be yet to quite")
_PARTIALS = _words("almost nearly partly partially mostly half")
_PROGRESS_REFUSALS = (_INTENTIONS - _PARTIALS) | _words(
    "needed required requires request requested please pls kindly ask asked asking"
)
_PROGRESS = re.compile(
    r"(?=[iIwWoOuUpPdDrRsSfFeEhHmMbB])(?<![^\W_])(?:"
    r"in[\s-]+progress|work[\s-]+in[\s-]+progress|wip|on-?going|progressing|under[\s-]?way"
    r"|under\s+(?:discussion|review|preparation|development|consideration)"
    r"|in\s+preparation|being\s+(?:drafted|prepared|reviewed|worked\s+on)|working\s+on"
    r"|started|begun"
    r"|(?:partial(?:ly)?|partly|half|mostly)\s+(?:done|completed?|finished|met|achieved)"
    r"|drafts?|drafted|drafting|reports?|reported|reporting|submitted|presented|fyi"
    r"|en\s+cours"
    r")(?![^\W_])",
    re.IGNORECASE,
)

_AUX_PATTERN = "|".join(sorted((re.escape(word) for word in _AUXILIARIES), key=len, reverse=True))
_WH_PATTERN = "|".join(sorted((re.escape(word) for word in _QUESTION_WORDS), key=len, reverse=True))
_ABBREVIATIONS = _words(
    "res no nr cf vs doc docs ref rev ver fig sec para pp approx incl op art ch rec circ "
    "st mr ms dr prof resp eg ie"
)


def _negated(tokens: Iterable[str]) -> bool:
    return any(token in _NEGATIONS or token.endswith("n't") for token in tokens)


def _intends(tokens: Iterable[str]) -> bool:
    return any(token in _INTENTIONS or token.endswith(("'ll", "'d")) for token in tokens)


def _refused(tokens: list[str]) -> bool:
    return _negated(tokens) or _intends(tokens)


# --------------------------------------------------------------------------- ids

_ID = re.compile(
    r"(?=[0-9oOrRiI])(?<![^\W_])(?:"
    r"(?P<op>op)\s*-\s*(?P<opnum>[0-9]{1,2})"
    r"|(?:res(?:olution)?\.?\s*|r\s?)(?P<xres>[0-9]{1,3})"
    r"(?:\s*[-./]\s*|(?:\s*,\s*|\s+)(?:action\s+)?item\s*(?:no\.?\s*)?)(?P<xitem>[0-9]{1,2})"
    r"|item\s*(?:no\.?\s*)?(?P<yitem>[0-9]{1,2})\s+(?:of|in|from)\s+(?:the\s+)?"
    r"(?:res(?:olution)?\.?\s*|r\s?)(?P<yres>[0-9]{1,3})"
    r"|(?P<res>[0-9]{1,3})(?P<sep>[-.])(?P<item>[0-9]{1,2})"
    r")(?![^\W_])",
    re.IGNORECASE,
)
_ID_AHEAD = re.compile(r"[0-9]{1,3}[-.][0-9]{1,2}(?![0-9])")
_WORD_AFTER = re.compile(r"[ \t\u00a0]+([^\W_]+(?:'[^\W_]+)?)")
_GLUE = ".-/:,+"
_JOINS_IDS = ",/+&"


@dataclass(frozen=True)
class _Id:
    start: int
    end: int
    code: str


def _is_month(word: str) -> bool:
    lowered = word.lower()
    return lowered in _MONTHS and (lowered != "may" or word[:1] == "M")


def _word_ending(text: str, end: int) -> str:
    """The letters and digits (and apostrophes) right before ``end``."""
    start = end
    while start > 0 and start > end - 30 and (text[start - 1].isalnum() or text[start - 1] == "'"):
        start -= 1
    return text[start:end]


def _word_before(text: str, start: int) -> tuple[str, str]:
    """The word before ``start`` (skipping ``. ( [`` and space), and the last symbol."""
    window = text[max(0, start - 40) : start].rstrip(" \t\u00a0.([")
    return _word_ending(window, len(window)), window[-1:]


def _plausible(text: str, match: re.Match[str], previous_end: int) -> bool:
    """Whether a candidate id is really an id and not a date, time or other number."""
    start, end = match.span()
    if match["op"]:
        return int(match["opnum"]) > 0
    explicit = match["xres"] is not None or match["yres"] is not None
    resolution = match["xres"] or match["yres"] or match["res"]
    item = match["xitem"] or match["yitem"] or match["item"]
    if int(resolution) == 0 or int(item) == 0:
        return False
    before = text[start - 1] if start else ""
    glued_before = before in _GLUE and start >= 2 and text[start - 2].isdigit()
    if glued_before and not (before in _JOINS_IDS and start - 1 == previous_end):
        return False
    if before and before in "+$€£§":
        return False
    after = text[end] if end < len(text) else ""
    if after == "%":
        return False
    glued_after = after in _GLUE and after and end + 1 < len(text) and text[end + 1].isdigit()
    if glued_after and not (after in _JOINS_IDS and _ID_AHEAD.match(text, end + 1)):
        return False
    if explicit:
        return True
    if before == "." or (before == "-" and start >= 2 and text[start - 2].isalnum()):
        return False  # a Recommendation (H.265.2, G.997.1) or a compound (WTSA-20-1)
    word, symbol = _word_before(text, start)
    if symbol == "§" or word.lower() in _NOT_ID_BEFORE or _is_month(word):
        return False
    following = _WORD_AFTER.match(text, end)
    if following and (_not_id_after(following[1]) or _is_month(following[1])):
        return False
    # dot form: "1.5" and "3.11" are decimals far more often than items
    dotted = match["sep"] == "."
    return not (dotted and (len(resolution) < 2 or word.lower() in _NOT_ID_BEFORE_DOT))


def _not_id_after(word: str) -> bool:
    """A unit or time word; ``est`` only as the zone ``EST``: ``50-18 est terminé``."""
    lowered = word.lower()
    return lowered in _NOT_ID_AFTER and (lowered != "est" or word == "EST")


def _canonical(match: re.Match[str]) -> str:
    if match["op"]:
        return f"Op-{int(match['opnum']):02d}"
    resolution = match["xres"] or match["yres"] or match["res"]
    item = match["xitem"] or match["yitem"] or match["item"]
    return f"{int(resolution):02d}-{int(item):02d}"


_ITEM_LIST = re.compile(
    r"(?=[iI])(?<![^\W_])items\s+(?P<items>[0-9]{1,2}(?:\s*(?:,|&|,?\s*and|,?\s*et)\s*[0-9]{1,2})+)"
    r"\s+(?:of|in|from)\s+(?:the\s+)?(?:res(?:olution)?\.?\s*|r\s?)(?P<res>[0-9]{1,3})(?![^\W_])",
    re.IGNORECASE,
)
_LIST_NUMBER = re.compile(r"[0-9]{1,2}")


def _listed_ids(text: str) -> list[_Id]:
    """``items 22 and 23 of Resolution 50``: one id per number. The first spans from
    ``items``, the last to the Resolution's number, so what follows (``are done``)
    reads as it does after a single ``item 22 of Resolution 50``."""
    found: list[_Id] = []
    for match in _ITEM_LIST.finditer(text):
        resolution = int(match["res"])
        numbers = list(_LIST_NUMBER.finditer(text, match.start("items"), match.end("items")))
        if resolution == 0 or any(int(number[0]) == 0 for number in numbers):
            continue
        for index, number in enumerate(numbers):
            start = match.start() if index == 0 else number.start()
            end = match.end() if index == len(numbers) - 1 else number.end()
            found.append(_Id(start, end, f"{resolution:02d}-{int(number[0]):02d}"))
    return found


def _find_ids(text: str) -> list[_Id]:
    found = _listed_ids(text)
    spans = [(listed.start, listed.end) for listed in found]
    previous_end = -2
    for match in _ID.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        if _plausible(text, match, previous_end):
            found.append(_Id(match.start(), match.end(), _canonical(match)))
            previous_end = match.end()
    return sorted(found, key=lambda found_id: found_id.start)


# --------------------------------------------------------------------------- statuses

_STATUS = re.compile(
    r"(?=[nNrRoObBpPmMaAfFdDcCtT\u2705\u2714\u2611:])(?:(?<![^\W_])(?:"
    r"(?P<reopen_neg>not\s+(?:yet\s+)?(?:done|completed?|finished|closed)\s+after\s+all)"
    r"|(?P<reopen>re-?\s?open(?:ed|ing|s)?|(?:open(?:ed)?|back\s+open)\s+again)"
    r"|(?P<periodic>periodic(?:al)?\s+goals?\s+"
    r"(?:(?:is|are|was|were|has|have|been|now|all|also|fully|being)\s+){0,3}"
    r"(?:met|achieved|reached|fulfilled)"
    r"|(?:met|meets|meeting|achieved|reached|fulfilled)\s+(?:(?:its|their|the|all)\s+){0,2}"
    r"periodic(?:al)?\s+goals?"
    r"|on\s+track)"
    r"|(?P<done>done|completed?|finished|finali[sz]ed|closed"
    r"|termin[ée]e?s?|achev[ée]e?s?|cl[ôo]tur[ée]e?s?|r[ée]alis[ée]e?s?"
    r"|faite?s?(?![ \t]+[^\W\d_]))"  # "fait" last: "50-18 fait l'objet de..." is not
    r")(?![^\W_])(?!-[^\W_])"
    r"|(?P<emoji>\u2705|\u2714\ufe0f?|\u2611\ufe0f?"
    r"|:(?:white_check_mark|heavy_check_mark|ballot_box_with_check):))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Status:
    start: int
    end: int
    kind: UpdateKind
    prefix: bool
    """Whether it may come before the ids (``closed 50-18``)."""
    colon_only: bool = False
    """``complete`` before ids only as a label: ``Complete: 50-18``."""


def _find_statuses(text: str, start: int, end: int) -> list[_Status]:
    """Status words between two positions (they never overlap an id: ids need digits)."""
    found: list[_Status] = []
    for match in _STATUS.finditer(text, start, end):
        group = match.lastgroup
        if group == "reopen_neg":
            found.append(_Status(match.start(), match.end(), REOPENED, prefix=False))
        elif group == "reopen":
            found.append(_Status(match.start(), match.end(), REOPENED, prefix=True))
        elif group == "periodic":
            found.append(_Status(match.start(), match.end(), PERIODIC, prefix=True))
        else:
            colon_only = match[0].lower() == "complete"
            found.append(_Status(match.start(), match.end(), COMPLETED, True, colon_only))
    return found


# --------------------------------------------------------------------------- clauses

_BOUNDARY = re.compile(
    rf"\n|;|[!?]+|\.(?=\s|\Z)|,(?=\s+(?:{_AUX_PATTERN}|{_WH_PATTERN})(?![^\W_]))",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"[\W_]*(?:(?:hi|hello|hey|ok|okay|so|and|but|also|btw|quick\s+question|question|qq)"
    r"(?![^\W_])[\W_]*){0,3}",
    re.IGNORECASE,
)
_FIRST_WORDS = re.compile(r"([^\W_]+(?:'[^\W_]+)?)(?:[ \t]+([^\W_]+(?:'[^\W_]+)?))?")


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    asks: bool
    """Ends with a question mark."""


def _clauses(text: str) -> list[_Clause]:
    clauses: list[_Clause] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match[0] == ".":
            word = _word_ending(text, match.start())
            if word.lower() in _ABBREVIATIONS or len(word) == 1:
                continue
        clauses.append(_Clause(start, match.end(), "?" in match[0]))
        start = match.end()
    clauses.append(_Clause(start, len(text), False))
    return [clause for clause in clauses if text[clause.start : clause.end].strip()]


def _first_words(text: str, start: int, end: int) -> tuple[str, str]:
    lead = _LEAD_IN.match(text, start, end)
    position = lead.end() if lead else start
    words = _FIRST_WORDS.match(text, position, end)
    if not words:
        return "", ""
    return words[1].lower(), (words[2] or "").lower()


def _is_question_start(first: str, second: str) -> bool:
    if first in _AUXILIARIES:
        return True
    if first == "when":
        return second in _AUXILIARIES
    return first in _QUESTION_WORDS


# --------------------------------------------------------------------------- groups

_JOINER = re.compile(
    r"\s*(?:(?P<and>,|&|\+|/|and|et|plus|as\s+well\s+as|,\s*and|,\s*et|,\s*&)"
    r"|(?P<alt>or|nor|ou|,\s*or|,\s*ou)|(?P<range>-|to|through|thru|till|until))?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    codes: tuple[str, ...]
    uncertain: bool
    """Joined by ``or`` or written as a range: which items are meant is unclear."""


def _groups(text: str, ids: list[_Id]) -> list[_Group]:
    groups: list[_Group] = []
    for found in ids:
        if groups:
            last = groups[-1]
            between = text[last.end : found.start].replace("*", "").replace("_", "")
            joined = _JOINER.fullmatch(between) if len(between) <= 30 else None
            if joined:
                uncertain = last.uncertain or bool(joined["alt"] or joined["range"])
                codes = (*last.codes, found.code)
                groups[-1] = _Group(last.start, found.end, codes, uncertain)
                continue
        groups.append(_Group(found.start, found.end, (found.code,), False))
    return groups


# --------------------------------------------------------------------------- analysis

_NOTE_LEAD = re.compile(
    r"[\W_]*"
    r"(?:(?P<keyword>(?:status\s+|progress\s+)?update|note|status|progress)"
    r"(?:\s+(?:on|for|to|about|of|re|regarding))?"
    r"|fyi|re|info|news(?:\s+on)?)?"
    r"[\s:,\-*_]*"
    r"(?:(?:action\s+)?items?\s+|ai\s+|#)?",
    re.IGNORECASE,
)
_COLON = r":(?![0-9])(?![\w+\-]+:)"  # not a time (12:30) nor an emoji code (:tada:)
_NOTE_SEPARATOR = re.compile(rf"[ \t*_]*{_COLON}[ \t]*")
_NOTE_KEYWORD_AFTER = re.compile(
    rf"[ \t]+(?:note|update|progress(?:\s+update)?|status\s+update)(?=[ \t*_]*{_COLON})",
    re.IGNORECASE,
)
_NOTE_SEPARATOR_EXPLICIT = re.compile(rf"[ \t*_]*(?:{_COLON}|-(?=\s))[ \t]*")
_PROGRESS_SEPARATOR = re.compile(r"[ \t*_]*[:,\-\u2192][ \t]*")
_ANY_WORD = re.compile(r"[^\W_]")
_MAX_GAP = 80


@dataclass
class _Reading:
    """What one clause says."""

    states: list[tuple[str, UpdateKind]] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    note_codes: tuple[str, ...] = ()
    note_start: int = -1
    asks: bool = False
    silence: Silence | None = None
    """Why the clause's ids get nothing, when they get nothing."""
    opens: bool = False
    """The clause opens with its ids (after a lead-in)."""

    def records(self) -> bool:
        return bool(self.states or self.question or self.note_codes)


def _gap(text: str, start: int, end: int) -> list[str] | None:
    """The tokens between two positions, or None when too far apart to be linked."""
    if end - start > _MAX_GAP:
        return None
    return _tokens(text[start:end])


def _only(tokens: list[str] | None, allowed: frozenset[str]) -> bool:
    return tokens is not None and all(token in allowed for token in tokens)


def _followed_by_not_yet(text: str, status: _Status, end: int) -> bool:
    after = text[status.end : min(end, status.end + 40)]
    head = re.split(r"[,;:(]", after, maxsplit=1)[0]
    return any(token in _NOT_YET for token in _tokens(head)[:3])


class _ClauseReader:
    def __init__(self, text: str, clause: _Clause, ids: list[_Id], *, cites: bool) -> None:
        """``ids`` are those inside the clause; ``cites``: it names a document."""
        self.text = text
        self.clause = clause
        self.ids = ids
        self.cites = cites
        self.groups = _groups(text, self.ids)
        self.statuses = _find_statuses(text, clause.start, clause.end)
        self.first, self.second = _first_words(text, clause.start, clause.end)
        hedge = _HEDGE.search(text, clause.start, clause.end)
        self.first_hedge = hedge.start() if hedge else clause.end

    def read(self) -> _Reading:
        reading = self._read()
        reading.opens = self._lead() is not None
        return reading

    def _read(self) -> _Reading:
        if not self.groups:
            return _Reading()
        clause = self.clause
        asks = clause.asks or _is_question_start(self.first, self.second)
        note = self._note_form()
        if note is not None:
            read = self._note(*note, asks=asks)
            if isinstance(read, _Reading):
                return read
            asks = read
        if asks:
            return _Reading(question=self._asked_about(), asks=True)
        return self._statement()

    def _note(self, explicit: bool, group: _Group, rest: int, *, asks: bool) -> _Reading | bool:
        """A clause in the note form: what it records, or (not a note) whether it asks."""
        text, clause = self.text, self.clause
        opening = self._opening_status(group)
        if opening == "status" and group.end != self.groups[0].end:  # "50-18 update: done"
            status = next(s for s in self.statuses if s.start >= group.end)
            if _followed_by_not_yet(text, status, clause.end) or self._hedged(status):
                return _Reading(silence=Silence.PENDING)
            return _Reading(states=[(code, status.kind) for code in group.codes])
        if opening == "status":
            return asks  # "update 50-18: done" is a status line
        if explicit:
            return _Reading(note_codes=group.codes, note_start=rest)
        if asks or _is_question_start(*_first_words(text, rest, clause.end)):
            return True
        if opening != "negated":
            return _Reading(note_codes=group.codes, note_start=rest)
        return asks

    def _statement(self) -> _Reading:
        """A clause that asks nothing and is not a note: states, a progress note, or why
        it records nothing."""
        text, clause = self.text, self.clause
        tokens = _tokens(text[clause.start : clause.end])
        if any(token in _HYPOTHETICAL for token in tokens):
            return _Reading(silence=Silence.CONDITIONAL)
        if self.first in _HYPOTHETICAL_START:
            return _Reading(silence=Silence.CONDITIONAL)
        states = self._states()
        if states:
            return _Reading(states=states)
        return self._progress(tokens) or _Reading(silence=self._silence(tokens))

    def _lead(self) -> re.Match[str] | None:
        """``fyi 50-18``, ``- item 50-18``: what comes before ids that open the clause."""
        start, group = self.clause.start, self.groups[0] if self.groups else None
        if group is None or group.start - start > 60:
            return None
        return _NOTE_LEAD.fullmatch(self.text, start, group.start)

    def _progress(self, tokens: list[str]) -> _Reading | None:
        """``50-18 in progress``, ``SG17 reported on 50-18, see TD206``: a note.

        Progress wording (:data:`_PROGRESS`) or a document reference, for ids that are
        certain, with no negation nor hedge in the clause and no intention or request
        before the progress word. The note is the clause, less the ids that open it
        when a ``:``, ``-`` or ``,`` follows them (``FYI 50-18 — draft in C 91``)."""
        text, clause = self.text, self.clause
        if any(group.uncertain for group in self.groups):
            return None
        progress = _PROGRESS.search(text, clause.start, clause.end)
        if progress is None and not self.cites:
            return None
        if _negated(tokens) or self.first_hedge < clause.end:
            return None
        first = progress.start() if progress else clause.end
        before = _tokens(text[clause.start : first])
        if any(t in _PROGRESS_REFUSALS or t.endswith(("'ll", "'d")) for t in before):
            return None
        start = clause.start
        if self._lead() is not None:
            group = self.groups[0]
            separator = _PROGRESS_SEPARATOR.match(text, group.end, clause.end)
            start = separator.end() if separator else group.start
        codes = tuple(dict.fromkeys(code for group in self.groups for code in group.codes))
        return _Reading(note_codes=codes, note_start=start)

    def _silence(self, tokens: list[str]) -> Silence:
        if _negated(tokens):
            return Silence.NEGATED
        if any(group.uncertain for group in self.groups):
            return Silence.UNCLEAR
        if self.first_hedge < self.clause.end:
            return Silence.HEDGED
        if _intends(tokens) or any(token in _NOT_YET for token in tokens):
            return Silence.PENDING
        return Silence.UNLINKED if self.statuses else Silence.NO_STATUS

    def _asked_about(self) -> list[str]:
        tokens = _tokens(self.text[self.clause.start : self.clause.end])
        if not self.statuses and not any(token in _INQUIRY for token in tokens):
            return []
        return [i.code for i in self.ids]

    def _note_form(self) -> tuple[bool, _Group, int] | None:
        """``[update] 50-18: TEXT``: (explicit keyword?, the ids, where TEXT starts)."""
        text, clause, group = self.text, self.clause, self.groups[0]
        if group.start - clause.start > 60:
            return None
        lead = _NOTE_LEAD.fullmatch(text, clause.start, group.start)
        if lead is None:
            return None
        explicit = lead["keyword"] is not None
        keyword = None if explicit else _NOTE_KEYWORD_AFTER.match(text, group.end, clause.end)
        if keyword is not None:  # "50-18 note: TEXT"
            explicit = True
            group = _Group(group.start, keyword.end(), group.codes, group.uncertain)
        separator = (_NOTE_SEPARATOR_EXPLICIT if explicit else _NOTE_SEPARATOR).match(
            text, group.end, clause.end
        )
        if separator is None or not _ANY_WORD.search(text, separator.end(), clause.end):
            return None
        return explicit, group, separator.end()

    def _opening_status(self, group: _Group) -> str:
        """How the text after a note's ids opens: "status", "negated" or "text"."""
        following = [s for s in self.statuses if s.start >= group.end]
        if not following:
            return "text"
        status = following[0]
        if any(group.end <= i.start < status.start for i in self.ids):
            return "text"
        gap = _gap(self.text, group.end, status.start)
        if _only(gap, _POSTFIX_FILLER):
            return "status"
        if gap is not None and len(gap) <= 6 and _only(gap, _NOTE_FILLER) and _refused(gap):
            return "negated"
        return "text"

    def _hedged(self, status: _Status) -> bool:
        return self.first_hedge < status.start

    def _states(self) -> list[tuple[str, UpdateKind]]:
        text, clause = self.text, self.clause
        elements: list[_Group | _Status] = sorted(
            [*self.groups, *self.statuses], key=lambda element: element.start
        )
        states: list[tuple[str, UpdateKind]] = []
        for index, element in enumerate(elements):
            if not isinstance(element, _Group) or element.uncertain:
                continue
            bound = elements[index - 1].end if index else clause.start
            before = _tokens(text[max(bound, element.start - _MAX_GAP) : element.start])
            following = elements[index + 1] if index + 1 < len(elements) else None
            status: _Status | None = None
            if isinstance(following, _Status):
                gap = _gap(text, element.end, following.start)
                if _only(gap, _POSTFIX_FILLER):
                    if _refused(before) or _followed_by_not_yet(text, following, clause.end):
                        continue
                    status = following
                elif gap is None or _negated(gap):
                    continue
            if status is None and index:
                status = self._prefix_status(elements, index)
            if status is not None and not self._hedged(status):
                states.extend((code, status.kind) for code in element.codes)
        return states

    def _prefix_status(self, elements: list[_Group | _Status], index: int) -> _Status | None:
        """``closed 50-18``: a past-tense status word right before the ids."""
        text, clause, group = self.text, self.clause, elements[index]
        status = elements[index - 1]
        if not isinstance(status, _Status) or not status.prefix:
            return None
        gap = _gap(text, status.end, group.start)
        if not _only(gap, _PREFIX_FILLER) or (status.colon_only and ":" not in (gap or [])):
            return None
        bound = elements[index - 2].end if index >= 2 else clause.start
        before = _tokens(text[max(bound, status.start - _MAX_GAP) : status.start])
        if _refused(before) or before[-1:] == ["to"]:
            return None
        if _negated(_tokens(text[group.end : min(clause.end, group.end + 20)])[:1]):
            return None  # "finished 50-18, 50-20 not"
        return status


def _read_clauses(text: _Text) -> Iterator[tuple[_Clause, _Reading, list[_Id]]]:
    ids = _find_ids(text.analysis)
    starts = [found.start for found in ids]
    for clause in _clauses(text.analysis):
        first, last = bisect_left(starts, clause.start), bisect_left(starts, clause.end)
        inside = [found for found in ids[first:last] if found.end <= clause.end]
        if not inside:
            asks = clause.asks or _is_question_start(
                *_first_words(text.analysis, clause.start, clause.end)
            )
            yield clause, _Reading(asks=asks), inside
            continue
        cites = _DOCUMENT.search(text.documents, clause.start, clause.end) is not None
        reader = _ClauseReader(text.analysis, clause, inside, cites=cites)
        yield clause, reader.read(), inside


# --------------------------------------------------------------------------- documents

_DOCUMENT = re.compile(
    r"(?=[TtSsCc])(?<![^\W_])(?:"
    r"(?P<tds_prefix>(?:TSAG|SG[0-9]{1,2})[ \t]*-?[ \t]*)?TDs[ \t]+"
    r"(?P<tds>[0-9]{1,4}(?:[ \t]*(?:,|and|&)[ \t]*[0-9]{1,4})*)"
    r"|(?P<td_prefix>(?:TSAG|SG[0-9]{1,2})[ \t]*-?[ \t]*)?TD[ \t]*-?[ \t]*(?P<td>[0-9]{1,4})"
    r"(?P<td_revision>[ \t]?-?R[0-9]{1,2})?"
    r"(?P<td_suffix>/(?:PLEN|GEN|WP[ \t]?[0-9]{1,2}(?:/[0-9]{1,2})?))?"
    r"|(?P<c_prefix>(?:TSAG|SG[0-9]{1,2})-)?(?-i:C)[ \t]?(?P<c>[0-9]{1,4})"
    r"(?P<c_revision>-?R[0-9]{1,2})?"
    r"|(?:TSB[ \t]+)?Circ(?:ular|\.)?[ \t]*(?:No\.?[ \t]*)?(?P<circular>[0-9]{1,4})"
    r"|COM[ \t]?(?P<com>[0-9]{1,2})[ \t]*-[ \t]*(?P<com_kind>[RCD])[ \t]?(?P<com_number>[0-9]{1,4})"
    r")(?![^\W_])(?!\.[0-9])",
    re.IGNORECASE,
)


def _squeeze(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _document_names(match: re.Match[str]) -> list[str]:
    if match["tds"] is not None:
        prefix = _squeeze(match["tds_prefix"]).rstrip("-")
        head = f"{prefix}-TD" if prefix else "TD"
        return [f"{head}{number}" for number in re.findall(r"[0-9]+", match["tds"])]
    if match["td"] is not None:
        prefix = _squeeze(match["td_prefix"]).rstrip("-")
        head = f"{prefix}-TD" if prefix else "TD"
        revision, suffix = _squeeze(match["td_revision"]), _squeeze(match["td_suffix"])
        return [f"{head}{match['td']}{revision}{suffix}"]
    if match["c"] is not None:
        prefix = _squeeze(match["c_prefix"])
        return [f"{prefix}C{match['c']}{_squeeze(match['c_revision'])}"]
    if match["circular"] is not None:
        return [f"TSB Circular {match['circular']}"]
    return [f"COM{match['com']}-{match['com_kind'].upper()}{match['com_number']}"]


def _documents(text: str) -> list[str]:
    found: dict[str, None] = {}
    for match in _DOCUMENT.finditer(text):
        found.update(dict.fromkeys(_document_names(match)))
    return list(found)


def extract_documents(text: str) -> list[str]:
    """Document references in a Slack message, normalised, in order, without repeats."""
    return _documents(_prepare(text).documents)


def document_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Where plain text (a status, a note's words) names one document: start, end and the
    normalised name, for :meth:`bot.render.Renderer.linked`. A list (``TSAG TDs 29, 199``)
    names several and is left as text."""
    for match in _DOCUMENT.finditer(text):
        names = _document_names(match)
        if len(names) == 1:
            yield match.start(), match.end(), names[0]


# --------------------------------------------------------------------------- message


def _note_text(display: str, start: int, end: int) -> str:
    return _tidy(display[start:end]).rstrip(" ;,")


def _close_note(
    updates: dict[tuple[str, bool], ItemUpdate],
    display: str,
    note: tuple[tuple[str, ...], int, int] | None,
) -> None:
    """Record a finished note; keyed ``(id, True)`` so it sits beside the id's state."""
    if note is None:
        return
    codes, start, end = note
    body = _note_text(display, start, end)
    for code in codes:
        updates.pop((code, True), None)
        updates[(code, True)] = ItemUpdate(code, NOTE, body)


def parse_message(text: str) -> ParsedMessage:
    """Understand one Slack message's text (see the module docstring for the rules)."""
    prepared = _prepare(text)
    whole = _tidy(prepared.display)
    updates: dict[tuple[str, bool], ItemUpdate] = {}
    questions: dict[str, None] = {}
    mentioned: dict[str, None] = {}
    note: tuple[tuple[str, ...], int, int] | None = None  # codes, start, end
    silences: dict[str, Silence] = {}
    asked = False
    opens: bool | None = None
    for clause, reading, ids in _read_clauses(prepared):
        mentioned.update(dict.fromkeys(i.code for i in ids))
        asked = asked or reading.asks
        if ids and opens is None:
            opens = reading.opens
        if reading.silence is not None:
            for found in ids:
                silences.setdefault(found.code, reading.silence)
        if note is not None and not reading.records():
            note = (note[0], note[1], clause.end)
            continue
        _close_note(updates, prepared.display, note)
        note = (reading.note_codes, reading.note_start, clause.end) if reading.note_codes else None
        questions.update(dict.fromkeys(reading.question))
        for code, kind in reading.states:
            updates.pop((code, False), None)
            updates[(code, False)] = ItemUpdate(code, kind, whole)
    _close_note(updates, prepared.display, note)
    answered = {update.item for update in updates.values()} | set(questions)
    silent = {code: why for code, why in silences.items() if code not in answered}
    return ParsedMessage(
        updates=list(updates.values()),
        question=list(questions),
        documents=_documents(prepared.documents),
        mentioned=list(mentioned),
        text=whole,
        asked=asked,
        silent=silent,
        addressed=bool(silent and not updates and not asked)
        and _addressed(text, prepared.analysis, opens=bool(opens)),
    )


def _addressed(raw: str, analysis: str, *, opens: bool) -> bool:
    """See :attr:`ParsedMessage.addressed`."""
    if "<@" in raw:
        return False
    if opens:
        return True
    words = _TOKEN.finditer(analysis)
    if any(index >= SHORT_MESSAGE for index, _ in enumerate(words)):
        return False
    return bool(_STATUS.search(analysis) or _PROGRESS.search(analysis))
