"""Plain-text views of threshold documents, check results and QA agreement figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from mash_desk.domain.thresholds import ThresholdDocument, ThresholdDocumentError
from mash_desk.services.quality import Agreement, AgreementReport


def describe_document(document: ThresholdDocument) -> str:
    """One line: id, version, date in force, how many indicators at each level."""
    per_level = Counter(i.level for i in document.indicators)
    levels = ", ".join(f"L{n} {per_level[n]}" for n in document.level_numbers)
    return (
        f"{document.key}, in force from {document.effective_from:%d %B %Y}: "
        f"{len(document.levels)} levels, {len(document.indicators)} indicators ({levels}), "
        f"{len(document.pathways)} pathways"
    )


def render_check(source: str, outcome: ThresholdDocument | ThresholdDocumentError) -> str:
    """What ``mash-desk thresholds check`` prints for one file."""
    if isinstance(outcome, ThresholdDocument):
        return f"{source}: OK — {describe_document(outcome)}"
    lines = [f"{source}: {len(outcome.problems)} problem(s)"]
    lines += [f"{source}: {problem}" for problem in outcome.problems]
    return "\n".join(lines)


def render_library(
    documents: Iterable[ThresholdDocument], current: ThresholdDocument | None, today: date
) -> str:
    """The installed versions, marking the one in force today."""
    lines = []
    for document in documents:
        if current is not None and document.key == current.key:
            mark = "in force"
        elif document.effective_from > today:
            mark = "not yet in force"
        else:
            mark = "superseded"
        lines.append(f"  [{mark:^16}] {describe_document(document)}")
        lines.append(f"  {'':18} {document.title} — {document.partnership}")
    return "\n".join(lines) if lines else "  No threshold document is installed."


def _rate(agreement: Agreement) -> str:
    if agreement.rate is None:
        return "not yet re-rated"
    return f"{agreement.rate:6.1%}  ({agreement.agreed} of {agreement.rated})"


def render_agreement(report: AgreementReport) -> str:
    """Agreement overall, per level and per decision-maker, then the disagreements."""
    lines = [
        f"Consistency sample {report.sample_id}: {report.overall.rated} of {report.size} "
        f"re-rated blind",
        f"  Agreement overall      {_rate(report.overall)}",
    ]
    if report.kappa is not None:
        lines.append(f"  Cohen's kappa          {report.kappa:6.2f}")
    if report.outstanding:
        lines.append(f"  Still to re-rate       {report.outstanding}")
    lines.append("  By original level")
    lines += [f"    Level {n}              {_rate(a)}" for n, a in report.per_level.items()]
    lines.append("  By decision-maker")
    lines += [f"    {name:<20} {_rate(a)}" for name, a in report.per_decision_maker.items()]
    if report.disagreements:
        lines.append("  Disagreements")
    for d in report.disagreements:
        lines.append(
            f"    #{d.position:<3} {d.child} (person {d.person_id}): Level {d.original_level} by "
            f"{d.original_by}, re-rated Level {d.rerated_level} by {d.rerated_by} ({d.document})"
        )
        if d.original_rationale:
            lines.append(f"         original: {d.original_rationale}")
        if d.rerated_rationale:
            lines.append(f"         re-rater: {d.rerated_rationale}")
    return "\n".join(lines)
