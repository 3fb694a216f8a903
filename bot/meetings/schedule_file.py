"""The schedule file the secretariat keeps: YAML or CSV, one entry per meeting or series.

YAML::

    timezone: Europe/Zurich          # default zone of the times below
    meetings:
      - name: Third inter-regional meeting for WTSA-24
        kind: irm                    # irm, tsag, working_party, rapporteur_group,
                                     # regional, wtsa or other
        start: 2024-09-09 13:00      # a date alone makes an all-day meeting
        end: 16:00                   # a time (same day), a date-time, or a last date
        mode: virtual                # virtual, physical, hybrid
        link: https://www.itu.int/...
        deadline: 2024-09-02         # a date alone means 23:59 that day
        channel: C0123456789
        agenda:
          - Opening of the meeting
          - {title: Approval of the agenda, documents: [TD 553R2]}
        repeat: every Tuesday and Thursday until 2021-02-19
        series: IRM weekly calls     # optional: the name shared by a series' meetings
        uid: irm-2024-3              # optional: names the meeting for good, so that a later
                                     # file can move it to another day
        status: cancelled            # optional: the meeting is called off (scheduled if absent)

CSV has the same keys as its header; ``agenda`` items are separated by ``;``
or line breaks, and their document references (``TD 553R2``) are found in the
text. A file is checked whole before anything is imported: every error names
its meeting and line (YAML) or row (CSV).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.documents.limits import LIMITS, Limits, too_large
from bot.meetings.model import (
    KIND_CHOICES,
    MODE_CHOICES,
    AgendaEntry,
    MeetingDraft,
    MeetingKind,
    parse_kind,
    parse_mode,
    tidy,
)
from bot.meetings.when import (
    WEEKDAYS,
    TimeError,
    local_datetime,
    parse_date,
    parse_date_time,
    parse_time,
    whole_days,
    zone_named,
)
from bot.plan.updates.parse import extract_documents

KEYS = (
    "name",
    "kind",
    "start",
    "end",
    "timezone",
    "place",
    "mode",
    "link",
    "deadline",
    "agenda",
    "documents",
    "channel",
    "source",
    "repeat",
    "series",
    "uid",
    "status",
)
UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
STATUSES = {"scheduled": False, "cancelled": True, "canceled": True}
END_OF_DAY = time(23, 59)
MAX_OCCURRENCES = 500
CHANNEL = re.compile(r"^(?:[CGD][A-Z0-9]{6,}|#?[a-z0-9][a-z0-9._-]{0,79})$")


class ScheduleFileError(Exception):
    """The schedule file is wrong; ``str()`` lists each error with its line or row."""

    def __init__(self, file_name: str, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        shown = "; ".join(self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{file_name}: {shown}{more}")


class _EntryError(Exception):
    pass


@dataclass(frozen=True)
class _Entry:
    where: str
    fields: Mapping[str, Any]


def read_schedule(
    data: bytes, file_name: str, *, default_tz: ZoneInfo, limits: Limits = LIMITS
) -> list[MeetingDraft]:
    """Every meeting of a schedule file, series expanded; all of it or an error."""
    if len(data) > limits.schedule_bytes:
        raise ScheduleFileError(file_name, [str(too_large(len(data), limits.schedule_bytes))])
    text = _decode(data, file_name)
    if file_name.lower().endswith(".csv"):
        entries, tz = list(_csv_entries(text, file_name)), default_tz
    else:
        entries, tz = _yaml_entries(text, file_name, default_tz, limits.yaml_depth)
    if not entries:
        raise ScheduleFileError(file_name, ["no meetings in the file"])
    drafts: list[MeetingDraft] = []
    errors: list[str] = []
    for entry in entries:
        try:
            drafts.extend(_drafts(entry, tz, file_name))
        except _EntryError as error:
            errors.append(f"{entry.where}: {error}")
    if errors:
        raise ScheduleFileError(file_name, errors)
    return drafts


def is_schedule_file(file_name: str) -> bool:
    return file_name.lower().endswith((".yaml", ".yml", ".csv"))


def _decode(data: bytes, file_name: str) -> str:
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04"):
        raise ScheduleFileError(file_name, ["not a text file (expected YAML or CSV)"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScheduleFileError(file_name, [f"not UTF-8 text (byte {error.start})"]) from error


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of each mapping, for error messages.

    It refuses nesting deeper than ``max_depth``: PyYAML composes and constructs
    nodes recursively, and ``[[[[...`` ten thousand deep would end in a
    RecursionError instead of a line saying what is wrong.
    """

    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self.max_depth = max_depth
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested deeper than {self.max_depth} levels",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(key): value for key, value in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
# Dates and times stay text: the file's zone decides what they mean, not YAML's.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_entries(
    text: str, file_name: str, default_tz: ZoneInfo, max_depth: int
) -> tuple[list[_Entry], ZoneInfo]:
    loader = _LineLoader(text, max_depth)
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScheduleFileError(file_name, [f"{where}not valid YAML ({problem})"]) from error
    finally:
        loader.dispose()
    tz = default_tz
    if isinstance(document, dict):
        unknown = sorted(set(document) - {"meetings", "timezone", "__line__"})
        if unknown:
            raise ScheduleFileError(
                file_name, [f"unknown top-level key {unknown[0]!r} (expected meetings, timezone)"]
            )
        if document.get("timezone"):
            try:
                tz = zone_named(str(document["timezone"]))
            except TimeError as error:
                raise ScheduleFileError(file_name, [f"timezone: {error}"]) from error
        document = document.get("meetings")
    if document is None:
        return [], tz
    if not isinstance(document, list):
        raise ScheduleFileError(file_name, ["expected a list of meetings under 'meetings:'"])
    entries = []
    for number, raw in enumerate(document, start=1):
        if not isinstance(raw, dict):
            raise ScheduleFileError(
                file_name, [f"meeting {number}: expected keys such as name, start, end"]
            )
        line = raw.pop("__line__", None)
        entries.append(_Entry(f"meeting {number} (line {line})", raw))
    return entries, tz


def _csv_entries(text: str, file_name: str) -> Iterator[_Entry]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if "name" not in header or "start" not in header:
            raise ScheduleFileError(
                file_name, ["row 1: the header must name at least name and start"]
            )
        reader.fieldnames = header
        yield from _csv_rows(reader)
    except csv.Error as error:
        raise ScheduleFileError(file_name, [_csv_problem(reader, error)]) from error


def _csv_problem(reader: csv.DictReader[str], error: csv.Error) -> str:
    """One line for what the csv module refuses: a field over its size limit, a NUL..."""
    where = f"row {reader.line_num + 1}"  # the row being read when the error came
    if "field larger than field limit" in str(error):
        return f"{where}: a field is longer than {csv.field_size_limit():,} characters; refused"
    return f"{where}: not valid CSV ({error})"


def _csv_rows(reader: csv.DictReader[str]) -> Iterator[_Entry]:
    for row in reader:
        fields: dict[str, Any] = {
            key: value for key, value in row.items() if key is not None and value not in (None, "")
        }
        if None in row:
            fields["__overflow__"] = True
        if fields:
            yield _Entry(f"row {reader.line_num}", fields)


def _drafts(entry: _Entry, file_tz: ZoneInfo, file_name: str) -> list[MeetingDraft]:
    fields = dict(entry.fields)
    if fields.pop("__overflow__", False):
        raise _EntryError("more cells than columns")
    unknown = sorted(set(fields) - set(KEYS))
    if unknown:
        raise _EntryError(f"unknown key {unknown[0]!r} (known keys: {', '.join(KEYS)})")
    name = tidy(_text(fields, "name"))
    if not name:
        raise _EntryError("no name")
    tz = _zone(fields, file_tz)
    kind = _kind(fields)
    start_text = _text(fields, "start")
    if not start_text:
        raise _EntryError(f"{name!r} has no start date")
    day, at = _date_time(start_text, "start", tz)
    agenda = _agenda(fields.get("agenda"))
    documents = _documents(fields.get("documents"))
    base = {
        "name": name,
        "kind": kind,
        "timezone": tz.key,
        "mode": _mode(fields),
        "place": tidy(_text(fields, "place")),
        "link": _link(fields),
        "agenda": agenda,
        "documents": documents,
        "channel": _channel(fields),
        "source": tidy(_text(fields, "source")) or file_name,
    }
    end_text = _text(fields, "end")
    deadline_text = _text(fields, "deadline")
    repeat_text = _text(fields, "repeat")
    days = _occurrences(day, repeat_text) if repeat_text else [day]
    series = tidy(_text(fields, "series")) or (name if repeat_text else "")
    uid, cancelled = _uid(fields), _cancelled(fields)
    if uid and repeat_text:
        raise _EntryError("a uid names one meeting, not a series (repeat)")
    drafts = []
    for occurrence in days:
        shift = occurrence - day
        start, end, all_day = _span(occurrence, at, end_text, shift, tz)
        deadline = _deadline(deadline_text, shift, tz)
        if deadline is not None and deadline > end:
            raise _EntryError(f"deadline {deadline_text!r} is after the meeting ends")
        draft = MeetingDraft(
            start=start,
            end=end,
            all_day=all_day,
            deadline=deadline,
            series=series,
            uid=uid,
            cancelled=cancelled,
            **base,
        )
        drafts.append(replace(draft, evidence=f"{file_name}, {entry.where}"))
    return drafts


def _uid(fields: Mapping[str, Any]) -> str:
    uid = _text(fields, "uid").strip()
    if uid and not UID.match(uid):
        raise _EntryError(
            f"uid {uid[:80]!r} must be up to 64 letters, digits and . _ : - (such as irm-2024-3)"
        )
    return uid


def _cancelled(fields: Mapping[str, Any]) -> bool:
    status = _text(fields, "status").strip().lower()
    if status and status not in STATUSES:
        raise _EntryError(f"status {status[:40]!r} must be scheduled or cancelled")
    return STATUSES.get(status, False)


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise _EntryError(
            f"{key} must be text, not a {'list' if isinstance(value, list) else 'map'}"
        )
    if isinstance(value, bool):
        raise _EntryError(f"{key} must be text, not {str(value).lower()}")
    if isinstance(value, int) and key in {"start", "end", "deadline"}:
        return _sexagesimal(value)
    return str(value).strip()


def _sexagesimal(value: int) -> str:
    """YAML 1.1 reads an unquoted ``13:00`` as the number 780; turn it back into a time."""
    hours, minutes = divmod(value, 60)
    return f"{hours}:{minutes:02d}"


def _zone(fields: Mapping[str, Any], file_tz: ZoneInfo) -> ZoneInfo:
    name = _text(fields, "timezone")
    if not name:
        return file_tz
    try:
        return zone_named(name)
    except TimeError as error:
        raise _EntryError(f"timezone: {error}") from error


def _kind(fields: Mapping[str, Any]) -> MeetingKind:
    text = _text(fields, "kind")
    if not text:
        return MeetingKind.OTHER
    kind = parse_kind(text)
    if kind is None:
        raise _EntryError(f"unknown kind {text!r} (use one of {KIND_CHOICES})")
    return kind


def _mode(fields: Mapping[str, Any]) -> Any:
    text = _text(fields, "mode")
    if not text:
        return None
    mode = parse_mode(text)
    if mode is None:
        raise _EntryError(f"unknown mode {text!r} (use one of {MODE_CHOICES})")
    return mode


def _link(fields: Mapping[str, Any]) -> str:
    link = _text(fields, "link")
    if link and not re.match(r"^https?://\S+$", link):
        raise _EntryError(f"link {link!r} is not an http(s) address")
    return link


def _channel(fields: Mapping[str, Any]) -> str:
    channel = _text(fields, "channel")
    if channel and not CHANNEL.match(channel):
        raise _EntryError(f"channel {channel!r} is not a Slack channel id (C0123...) or #name")
    return channel


def _date_time(text: str, key: str, tz: ZoneInfo) -> tuple[date, time | None]:
    try:
        return parse_date_time(text, tz)
    except TimeError as error:
        raise _EntryError(f"{key}: {error}") from error


def _span(
    day: date, at: time | None, end_text: str, shift: timedelta, tz: ZoneInfo
) -> tuple[datetime, datetime, bool]:
    """Start, end and all-day flag of one occurrence, ``shift`` days after the first."""
    try:
        if at is None:
            last = day
            if end_text:
                end_day, end_at = _date_time(end_text, "end", tz)
                if end_at is not None:
                    raise _EntryError("end has a time but start has none; give both or neither")
                last = end_day + shift
            if last < day:
                raise _EntryError(f"end {last.isoformat()} is before start {day.isoformat()}")
            start, end = whole_days(day, last, tz)
            return start, end, True
        start = local_datetime(day, at, tz)
        if not end_text:
            return start, start, False
        end_day, end_at = _end_moment(end_text, day, shift, tz)
        end = local_datetime(end_day, end_at, tz)
        if end < start:
            raise _EntryError(f"end {end_text!r} is before start {at.strftime('%H:%M')}")
        return start, end, False
    except TimeError as error:
        raise _EntryError(str(error)) from error


def _end_moment(text: str, day: date, shift: timedelta, tz: ZoneInfo) -> tuple[date, time]:
    try:
        return day, parse_time(text)
    except TimeError:
        pass
    end_day, end_at = _date_time(text, "end", tz)
    if end_at is None:
        raise _EntryError(f"end {text!r} needs a time, as the start has one")
    return end_day + shift, end_at


def _deadline(text: str, shift: timedelta, tz: ZoneInfo) -> datetime | None:
    if not text:
        return None
    day, at = _date_time(text, "deadline", tz)
    try:
        return local_datetime(day + shift, at or END_OF_DAY, tz)
    except TimeError as error:
        raise _EntryError(f"deadline: {error}") from error


_REPEAT = re.compile(
    r"^(?:every|each)\s+(?P<days>.+?)\s+(?:until|to|through)\s+(?P<until>.+)$", re.IGNORECASE
)


def _occurrences(first: date, text: str) -> list[date]:
    """The days of ``every Tuesday and Thursday until 2021-02-19``, from ``first`` on."""
    match = _REPEAT.match(" ".join(text.split()))
    if not match:
        raise _EntryError(
            f"repeat {text!r} is not understood "
            "(write: every Tuesday and Thursday until 2021-02-19)"
        )
    try:
        until = parse_date(match["until"])
    except TimeError as error:
        raise _EntryError(f"repeat: {error}") from error
    if until < first:
        raise _EntryError(f"repeat ends {until.isoformat()}, before the start")
    weekdays = _weekdays(match["days"], first)
    days = [
        first + timedelta(days=offset)
        for offset in range((until - first).days + 1)
        if (first + timedelta(days=offset)).weekday() in weekdays
    ]
    if len(days) > MAX_OCCURRENCES:
        raise _EntryError(f"repeat makes {len(days)} meetings; at most {MAX_OCCURRENCES}")
    return days


def _weekdays(text: str, first: date) -> set[int]:
    words = [word for word in re.split(r"[\s,]+|\band\b", text.lower()) if word]
    if words in (["day"], ["weekday"]):
        return {0, 1, 2, 3, 4} if words == ["weekday"] else set(range(7))
    if words == ["week"]:
        return {first.weekday()}
    days = set()
    for word in words:
        number = WEEKDAYS.get(word.rstrip("s"), WEEKDAYS.get(word))
        if number is None:
            raise _EntryError(f"repeat: {word!r} is not a day of the week")
        days.add(number)
    return days


def _agenda(value: Any) -> tuple[AgendaEntry, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = [part for part in re.split(r"\s*[;\n]\s*", value) if part.strip()]
        return tuple(AgendaEntry(tidy(part), tuple(extract_documents(part))) for part in parts)
    if not isinstance(value, list):
        raise _EntryError("agenda must be a list of items")
    entries = []
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            item.pop("__line__", None)
            title = tidy(str(item.get("title") or ""))
            extra = sorted(set(item) - {"title", "documents"})
            if extra:
                raise _EntryError(f"agenda item {number}: unknown key {extra[0]!r}")
            documents = _documents(item.get("documents")) or tuple(extract_documents(title))
        elif isinstance(item, (str, int, float)):
            title = tidy(str(item))
            documents = tuple(extract_documents(title))
        else:
            raise _EntryError(f"agenda item {number} must be text or title/documents")
        if not title:
            raise _EntryError(f"agenda item {number} has no title")
        entries.append(AgendaEntry(title, documents))
    return tuple(entries)


AGENDA_DOCUMENTS = " — documents: "
"""In a form's agenda, what parts an item's title from the documents it does not cite."""
_AGENDA_DOCUMENTS = re.compile(r"\s+(?:—|--?|\|)\s*documents?\s*:\s*(?P<documents>.*)$", re.I)


def form_agenda(text: str) -> list[dict[str, Any]]:
    """A form's agenda: an item a line (a ``;`` is part of its title), the documents it
    does not cite after ``— documents:`` (:func:`bot.meetings.editing.form_fields`)."""
    items: list[dict[str, Any]] = []
    for line in text.splitlines():
        split = _AGENDA_DOCUMENTS.search(line)
        title = line[: split.start()] if split else line
        if not title.strip():
            continue
        cited = list(extract_documents(title))
        named = [*cited, *_documents(split["documents"])] if split else []
        items.append({"title": title, "documents": named})
    return items


def _documents(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = re.split(r"[;,\n]", value)
    elif isinstance(value, list):
        parts = [str(part) for part in value]
    else:
        raise _EntryError("documents must be a list")
    return tuple(_document_name(part) for part in parts if part.strip())


def _document_name(text: str) -> str:
    """``TD 553R2`` written as the update parser writes it (``TD553R2``), else as given."""
    found = extract_documents(text)
    return found[0] if len(found) == 1 else tidy(text)


FORM_KEYS = tuple(key for key in KEYS if key not in ("repeat", "series", "source"))
"""What a meeting form has of the file's keys: one meeting, no series."""


class FieldError(ValueError):
    """A form's field is wrong (``key``: one of :data:`FORM_KEYS`): one line to show."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def read_fields(fields: Mapping[str, str], *, default_tz: ZoneInfo, source: str) -> MeetingDraft:
    """One meeting as a form gives it, each field read and checked as the schedule file's
    key of that name is; :class:`FieldError` names the first field that is wrong."""

    def checked(key: str, read: Any, *args: Any) -> Any:
        try:
            return read(*args)
        except _EntryError as error:
            raise FieldError(key, str(error)) from error

    name = tidy(fields.get("name") or "")
    if not name:
        raise FieldError("name", "Give the meeting a name.")
    tz = checked("timezone", _zone, fields, default_tz)
    start_text = (fields.get("start") or "").strip()
    if not start_text:
        raise FieldError("start", "Give its start: 2025-05-26 09:30, or a date alone.")
    day, at = checked("start", _date_time, start_text, "start", tz)
    end_text = (fields.get("end") or "").strip()
    start, end, all_day = checked("end", _span, day, at, end_text, timedelta(0), tz)
    deadline = checked(
        "deadline", _deadline, (fields.get("deadline") or "").strip(), timedelta(0), tz
    )
    if deadline is not None and deadline > end:
        raise FieldError("deadline", "The deadline is after the meeting ends.")
    return MeetingDraft(
        name=name,
        kind=checked("kind", _kind, fields),
        start=start,
        end=end,
        all_day=all_day,
        timezone=tz.key,
        mode=checked("mode", _mode, fields),
        place=tidy(fields.get("place") or ""),
        link=checked("link", _link, fields),
        deadline=deadline,
        agenda=checked("agenda", _agenda, form_agenda(fields.get("agenda") or "")),
        documents=checked("documents", _documents, fields.get("documents") or ""),
        channel=checked("channel", _channel, fields),
        source=source,
        evidence=source,
        cancelled=checked("status", _cancelled, fields),
    )
