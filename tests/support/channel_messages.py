"""Channel messages in the words of the people who post them, with what each records.

One table read by the parser's test (tests/plan/updates/test_parse.py) and by one
listener-level test that posts every message through the real Bolt app
(tests/slack/listeners/test_message_table.py), so the two cannot drift apart.

The voices: the secretariat (TSB), regional coordinators, study-group chairs and
rapporteurs, writing as they do: several ids, typos, negations, questions, French
punctuation (``50-18 : done``) and words (``terminé``, ``en cours``).  Every id in the
table is an active item of the bundled WTSA-20 plan, so the listener records each
update the parser finds.

An effect is ``;``-separated: ``completed 50-18 50-20``, ``periodic 50-22``,
``reopened 50-18``, ``note 50-18`` (updates, in the order recorded); ``ask 50-18``
(a status question about those ids, answered in the thread; ``ask`` alone: a question
about nothing the bot answers); ``hint negated 50-18`` (nothing recorded, the poster
told why: a :class:`bot.plan.updates.parse.Silence`, for those ids); ``docs TD206,
TSB Circular 65`` (the documents cited, comma-separated); ``nothing`` (no update, no
answer, no hint).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATES = ("completed", "periodic", "reopened", "note")


@dataclass
class Expected:
    updates: list[tuple[str, str]] = field(default_factory=list)
    """(id, kind) in the order recorded."""
    question: list[str] = field(default_factory=list)
    asked: bool = False
    hint: str = ""
    """The reason (a ``Silence`` value) when the poster gets a private hint."""
    silent: list[str] = field(default_factory=list)
    """The ids the hint is about."""
    documents: list[str] = field(default_factory=list)


def expected(effect: str) -> Expected:
    """Read one effect of the table (see the module docstring)."""
    found = Expected()
    for part in effect.split(";"):
        word, *rest = part.split()
        if word in STATES:
            found.updates.extend((code, word) for code in rest)
        elif word == "ask":
            found.question.extend(rest)
            found.asked = True
        elif word == "hint":
            found.hint, *found.silent = rest
        elif word == "docs":
            found.documents.extend(name.strip() for name in " ".join(rest).split(","))
        elif word != "nothing":
            raise ValueError(f"unknown effect {part!r}")
    return found


MESSAGES: list[tuple[str, str]] = [
    # --- completions, as chairs and the secretariat write them
    ("50-18 done", "completed 50-18"),
    ("50-18 done, see TD206", "completed 50-18; docs TD206"),
    ("50-22 completed — thanks to all who contributed", "completed 50-22"),
    ("Dear colleagues, 50-22 is now complete.", "completed 50-22"),
    ("SG17: 50-18 has been completed, see TSAG-TD206", "completed 50-18; docs TSAG-TD206"),
    ("Item 18 of Resolution 50 is done", "completed 50-18"),
    ("items 22 and 23 of Resolution 50 are done", "completed 50-22 50-23"),
    ("done: items 22, 23 and 24 of Resolution 50", "completed 50-22 50-23 50-24"),
    ("Resolution 50 item 18 done", "completed 50-18"),
    ("item 50-18 has been completed", "completed 50-18"),
    ("Res. 50, item 22 is finished", "completed 50-22"),
    ("Action item 22 of Res 50 closed", "completed 50-22"),
    ("done: item 23 of Resolution 50", "completed 50-23"),
    ("Completed — Res 50 item 18", "completed 50-18"),
    ("R50-23 ✅", "completed 50-23"),
    ("✅ 50-05", "completed 50-05"),
    ("50-05 :white_check_mark: (TSB Circular 65 issued)", "completed 50-05; docs TSB Circular 65"),
    ("Closed 50-05 and 50-06", "completed 50-05 50-06"),
    ("50-22, 50-23 and 50-24 done", "completed 50-22 50-23 50-24"),
    ("50-22/50-23 finalised", "completed 50-22 50-23"),
    ("50-22 & 50-23 complete", "completed 50-22 50-23"),
    ("Done: 50-22, 50-23", "completed 50-22 50-23"),
    ("all done: 64-02, 64-03", "completed 64-02 64-03"),
    ("marked 50-18 as done", "completed 50-18"),
    ("50-18 is closed as of today", "completed 50-18"),
    ("50.18 done", "completed 50-18"),
    ("50-8 done", "completed 50-08"),
    ("50\u201318 finished", "completed 50-18"),
    ("R2-2 done", "completed 02-02"),
    ("2-1 completed", "completed 02-01"),
    ("1-11 closed", "completed 01-11"),
    ("*50-18* done", "completed 50-18"),
    ("- 50-18 done\n- 50-20 done", "completed 50-18 50-20"),
    ("<@U0CHAIR> 50-18 done", "completed 50-18"),
    ("50-18 done, can someone update the tracker?", "completed 50-18; ask"),
    ("He confirmed 50-18 is done.", "completed 50-18"),
    ("Update from SG2: 2-1 completed in March", "completed 02-01"),
    ("44-14 done (report in TSAG-TD 310)", "completed 44-14; docs TSAG-TD310"),
    ("75-03 finished, report sent to Council", "completed 75-03"),
    # --- French punctuation and words
    ("50-18 : done", "completed 50-18"),
    ("50-18 : terminé", "completed 50-18"),
    ("50-18 terminé", "completed 50-18"),
    ("Terminé : 50-22", "completed 50-22"),
    ("50-22 achevé", "completed 50-22"),
    ("50-22 clôturé", "completed 50-22"),
    ("50-22 termine", "completed 50-22"),
    ("50-18 pas encore terminé", "hint negated 50-18"),
    ("50-18 n'est pas terminé", "hint negated 50-18"),
    ("50-25 et 50-26 : terminés", "completed 50-25 50-26"),
    ("50-13 et 50-14 terminés.", "completed 50-13 50-14"),
    ("50-10, 50-11 : fait", "completed 50-10 50-11"),
    ("50-10 fait", "completed 50-10"),
    ("50-10 c'est fait", "completed 50-10"),
    ("50-18 réalisé", "completed 50-18"),
    ("50-18 est terminé", "completed 50-18"),
    ("50-22 et 50-23 sont terminés", "completed 50-22 50-23"),
    ("50-19 pas fait", "hint negated 50-19"),
    ("50-19 pas encore fait", "hint negated 50-19"),
    ("50-18 fait l'objet d'une étude", "hint no_status 50-18"),
    ("50-18 ou 50-20 terminé", "hint unclear 50-18 50-20"),
    ("50-18 : en cours", "note 50-18"),
    ("50-18 en cours, voir TD 553R2", "note 50-18; docs TD553R2"),
    # --- periodic goals
    ("50-22 periodic goals met", "periodic 50-22"),
    ("50-22: periodic goals achieved for this period", "periodic 50-22"),
    ("periodic goals met for 50-22 and 50-23", "periodic 50-22 50-23"),
    ("50-22 met its periodic goals", "periodic 50-22"),
    ("50-22 is on track", "periodic 50-22"),
    ("On track: 64-06, 64-07", "periodic 64-06 64-07"),
    ("50-22 on track for TSAG", "periodic 50-22"),
    ("50-22 periodic goal reached", "periodic 50-22"),
    # --- reopening
    ("reopen 50-18", "reopened 50-18"),
    ("Please reopen 50-18, the LS came back", "reopened 50-18"),
    ("50-18 reopened after TSAG's comments", "reopened 50-18"),
    ("50-18 not done after all", "reopened 50-18"),
    ("50-18 is open again", "reopened 50-18"),
    ("re-opened 50-22", "reopened 50-22"),
    # --- explicit notes
    ("update 50-18: SG17 sent its report in TSAG-TD206", "note 50-18; docs TSAG-TD206"),
    ("note 50-18: waiting for the LS from SG2", "note 50-18"),
    ("50-18 note: SG17 to report in April", "note 50-18"),
    ("50-18 update - the draft is with the editor", "note 50-18"),
    (
        "Status update on 50-22: contributions invited, see TSB Circular 65",
        "note 50-22; docs TSB Circular 65",
    ),
    ("50-18: SG2 agreed a new work item", "note 50-18"),
    ("50-18, 50-20: both covered by TD206", "note 50-18 50-20; docs TD206"),
    ("FYI 50-18: LS sent to SG13", "note 50-18"),
    ("re 50-22: RG-AFR discussed it in Kigali", "note 50-22"),
    ("50-18: draft in TD 553R2", "note 50-18; docs TD553R2"),
    ("progress 50-23: the questionnaire closes on 15 March", "note 50-23"),
    ("update 50-18: not done yet, waiting for SG17", "note 50-18"),
    # --- progress reports are notes
    ("50-18 in progress, report to next TSAG", "note 50-18"),
    ("SG17 reported on 50-18 at the last meeting, see TSAG-TD206", "note 50-18; docs TSAG-TD206"),
    ("FYI 50-18 — draft report in C 91", "note 50-18; docs C91"),
    ("50-18 partially done", "note 50-18"),
    ("50-22 partly completed, the rest at the next SG meeting", "note 50-22"),
    ("50-22 half done", "note 50-22"),
    ("50-22 is ongoing", "note 50-22"),
    ("50-22 under way in SG3", "note 50-22"),
    ("Work on 50-23 started in Q1/11", "note 50-23"),
    ("50-23 progressing well", "note 50-23"),
    ("50-18 and 50-20 in progress", "note 50-18 50-20"),
    ("Draft report on 44-14 submitted as TSAG-TD 411", "note 44-14; docs TSAG-TD411"),
    ("SG2 presented 2-1 at the workshop, slides in TD 12", "note 02-01; docs TD12"),
    ("50-18 → TD206", "note 50-18; docs TD206"),
    ("50-18 see C 91", "note 50-18; docs C91"),
    ("For 50-22, see SG3-C2 and TD137/WP1", "note 50-22; docs SG3-C2, TD137/WP1"),
    ("FYI 75-03 was discussed at the RG-ARB meeting", "note 75-03"),
    (
        "RG-AMS reported on 64-06 at TSAG, TSAG TDs 29, 199",
        "note 64-06; docs TSAG-TD29, TSAG-TD199",
    ),
    ("50-22 WIP", "note 50-22"),
    ("50-22 under review in SG3", "note 50-22"),
    ("50-18 in progress. SG17 will report at TSAG.", "note 50-18"),
    ("Re 44-14: report being drafted by TSB", "note 44-14"),
    ("50-22 — contribution presented in COM 3-R 12", "note 50-22; docs COM3-R12"),
    # --- several things at once
    ("50-18 done; 50-20 reopened", "completed 50-18; reopened 50-20"),
    (
        "50-18 closed, 50-22 on track, 50-23 reopened",
        "completed 50-18; periodic 50-22; reopened 50-23",
    ),
    (
        "- 50-18 done\n- 50-22 periodic goals met\n- 50-23: SG3 agreed",
        "completed 50-18; periodic 50-22; note 50-23",
    ),
    ("50-18 done. Note 50-18: minutes in TD206", "completed 50-18; note 50-18; docs TD206"),
    ("50-18: SG2 agreed; 50-20 done", "note 50-18; completed 50-20"),
    ("Status from SG17:\n50-18 done\n50-22 on track", "completed 50-18; periodic 50-22"),
    ("50-18 done, 50-22 in progress", "completed 50-18"),
    ("50-18 not done, 50-20 done", "completed 50-20"),
    ("50-18 done. Is 50-20 done too?", "completed 50-18; ask 50-20"),
    ("50-22 in progress.\n50-23 done", "note 50-22; completed 50-23"),
    # --- negations: nothing recorded, the poster told why
    ("50-18 not done yet", "hint negated 50-18"),
    ("50-18 is not done yet", "hint negated 50-18"),
    ("50-18 isn't complete", "hint negated 50-18"),
    ("50-18 isn’t finished", "hint negated 50-18"),
    ("50-18 not completed", "hint negated 50-18"),
    ("50-18: not done yet", "hint negated 50-18"),
    ("50-18 won't be done before TSAG", "hint negated 50-18"),
    ("50-18 is far from done", "hint negated 50-18"),
    ("not yet done: 50-18", "hint negated 50-18"),
    ("50-18 not on track", "hint negated 50-18"),
    ("50-18 no progress, draft not sent", "hint negated 50-18"),
    ("Don't mark 50-18 as done", "hint negated 50-18"),
    # --- intentions, hedges, conditions, unclear ids: nothing, told why
    ("50-18 almost done", "hint pending 50-18"),
    ("50-18 will be done next week", "hint pending 50-18"),
    ("50-18 done next week", "hint pending 50-18"),
    ("50-18 should be closed", "hint pending 50-18"),
    ("we need to reopen 50-18", "hint pending 50-18"),
    ("SG17 will report on 50-18 at the next TSAG", "hint pending 50-18"),
    ("I think 50-18 is done", "hint hedged 50-18"),
    ("please confirm 50-18 is done", "hint hedged 50-18"),
    ("50-18 maybe done", "hint hedged 50-18"),
    ("if 50-18 is done we close 50-20", "hint conditional 50-18 50-20"),
    ("once 50-18 is done, ping me", "hint conditional 50-18"),
    ("50-18 or 50-20 done", "hint unclear 50-18 50-20"),
    ("50-18 to 50-22 done", "hint unclear 50-18 50-22"),
    ("SG17 finished its review of 50-18", "hint unlinked 50-18"),
    # --- typos and bare ids: no status word, told so (typos are not guessed)
    ("50-18 dnoe", "hint no_status 50-18"),
    ("50-18 compelted", "hint no_status 50-18"),
    ("50-18", "hint no_status 50-18"),
    ("50-18 ?!", "ask"),
    ("item 50-18 - SG17", "hint no_status 50-18"),
    ("50-22 ok", "hint no_status 50-22"),
    # --- questions: nothing recorded; a status question is answered in its thread
    ("is 50-18 done?", "ask 50-18"),
    ("50-18 done?", "ask 50-18"),
    ("Has anyone closed 50-18?", "ask 50-18"),
    ("What's the status of 50-22?", "ask 50-22"),
    ("Hi all, is 50-18 done", "ask 50-18"),
    ("quick question: is 50-22 complete", "ask 50-22"),
    ("are 50-18 and 50-20 closed?", "ask 50-18 50-20"),
    ("50-18 is done, right?", "ask 50-18"),
    ("any news on 50-22?", "ask 50-22"),
    ("when will 50-23 be completed", "ask 50-23"),
    ("50-18: is it done?", "ask 50-18"),
    ("Can someone look at 50-18?", "ask"),
    ("who owns 50-18?", "ask"),
    ("Is there a draft for 50-18 somewhere?", "ask"),
    # --- ids in passing, in links, code and quotes: nothing, no hint
    ("see 50-18 for context", "nothing"),
    ("thanks all, great meeting", "nothing"),
    ("<@U0CHAIR> can you look at 50-18 before Friday", "ask"),
    ("cc <@U0TSB> on 50-18 and 50-20", "nothing"),
    ("close 50-18", "nothing"),
    ("https://www.itu.int/md/T22-TSAG/50-18 done", "nothing"),
    ("<https://example.org/50-18|tracker> done", "nothing"),
    ("`50-18 done`", "nothing"),
    ("```50-18 done```", "nothing"),
    ("&gt; 50-18 done", "nothing"),
    ("~50-18 done~", "nothing"),
    ("The meeting is 10-12 March, done by then", "nothing"),
    ("TD 553R2 done", "nothing; docs TD553R2"),
    ("C 91 done", "nothing; docs C91"),
    ("Q1-4 done", "nothing"),
    (
        "Thanks everyone for a productive session today. We covered the outcomes of "
        "the workshop, the liaison statements to SG2 and SG13, the proposals around "
        "50-18 and the calendar for the next cycle of meetings in the region.",
        "nothing",
    ),
]
"""(message text, effect): see the module docstring."""
