"""The experience record: every placement with its approved hours, evaluations, reflections and
outcomes, as a page and as a PDF the student can hand to a college or an employer.

`build_record()` reads it all in a fixed handful of queries; the template and `render_pdf()`
show the same data, so the printed page and the download never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from trellis.districts.calendar import district_today
from trellis.hours.models import HourLog
from trellis.hours.progress import CreditSummary, credit_summary
from trellis.placements.models import Evaluation, Outcome, Placement, Reflection, RubricCriterion

ZERO = Decimal("0")


@dataclass
class CriterionScore:
    label: str
    score: int
    descriptor: str = ""


@dataclass
class EvaluationEntry:
    kind: str
    submitted_on: dt.date
    mentor: str
    mean: Decimal | None
    scores: list[CriterionScore]
    comments: str


@dataclass
class PlacementEntry:
    placement: Placement
    title: str
    partner: str
    kind: str
    cluster: str
    status: str
    start_date: dt.date
    end_date: dt.date
    mentor: str
    approved_hours: Decimal
    evaluations: list[EvaluationEntry] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass
class ExperienceRecord:
    student: object
    generated_on: dt.date
    placements: list[PlacementEntry]
    other_outcomes: list[Outcome]
    credits: CreditSummary

    @property
    def total_hours(self) -> Decimal:
        return sum((p.approved_hours for p in self.placements), ZERO)

    @property
    def evaluation_mean(self) -> Decimal | None:
        """Mean of every evaluation's mean (each evaluation counts once)."""
        means = [e.mean for p in self.placements for e in p.evaluations if e.mean is not None]
        if not means:
            return None
        return (sum(means, ZERO) / len(means)).quantize(Decimal("0.01"))


def _person(mentor) -> str:
    if mentor is None:
        return ""
    name = mentor.user.get_full_name() or mentor.user.get_username()
    return f"{name}, {mentor.title}" if mentor.title else name


def _scores(evaluation, criteria: dict) -> list[CriterionScore]:
    """Scores in the rubric's order, labelled; a key the district has since removed keeps its key."""
    order = {key: i for i, key in enumerate(criteria)}
    rows = []
    for key, value in sorted(
        evaluation.scores.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])
    ):
        criterion = criteria.get(key)
        try:
            score = int(value)
        except (TypeError, ValueError):
            continue
        label = (
            criterion.label if criterion else key.replace("_", " ").replace("-", " ").capitalize()
        )
        descriptor = (criterion.descriptors or {}).get(str(score), "") if criterion else ""
        rows.append(CriterionScore(label, score, descriptor))
    return rows


def build_record(student, *, today: dt.date | None = None) -> ExperienceRecord:
    """Everything on the record, in six queries whatever the number of placements."""
    placements = (
        Placement.objects.filter(student=student)
        .select_related("opportunity__partner", "opportunity__cluster", "mentor__user")
        .annotate(
            approved_hours=Coalesce(
                Sum("hour_logs__hours", filter=Q(hour_logs__status=HourLog.Status.APPROVED)),
                Value(ZERO),
                output_field=DecimalField(max_digits=8, decimal_places=2),
            )
        )
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("mentor__user").order_by(
                    "submitted_at", "pk"
                ),
            ),
            Prefetch("reflections", queryset=Reflection.objects.order_by("created_at", "pk")),
        )
        .order_by("start_date", "pk")
    )
    criteria = {
        c.key: c
        for c in RubricCriterion.objects.filter(district_id=student.district_id).order_by(
            "sort_order", "pk"
        )
    }
    outcomes = list(
        Outcome.objects.filter(student=student).select_related("partner").order_by("date", "pk")
    )
    entries = []
    for p in placements:
        entries.append(
            PlacementEntry(
                placement=p,
                title=p.opportunity.title,
                partner=p.opportunity.partner.name,
                kind=p.opportunity.get_kind_display(),
                cluster=p.opportunity.cluster.name,
                status=p.get_status_display(),
                start_date=p.start_date,
                end_date=p.end_date,
                mentor=_person(p.mentor),
                approved_hours=p.approved_hours,
                evaluations=[
                    EvaluationEntry(
                        kind=e.get_kind_display(),
                        submitted_on=e.submitted_at.date(),
                        mentor=_person(e.mentor),
                        mean=e.mean_score,
                        scores=_scores(e, criteria),
                        comments=e.comments,
                    )
                    for e in p.evaluations.all()
                ],
                reflections=list(p.reflections.all()),
                outcomes=[o for o in outcomes if o.placement_id == p.pk],
            )
        )
    placed = {e.placement.pk for e in entries}
    return ExperienceRecord(
        student=student,
        generated_on=today or district_today(student.district),
        placements=entries,
        other_outcomes=[o for o in outcomes if o.placement_id not in placed],
        credits=credit_summary(student),
    )


# ---------------------------------------------------------------------------------------------
# PDF


FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
_LATIN1 = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-", "→": "->"}
)


def unicode_font() -> Path | None:
    """A TrueType font with wide coverage (names are not all Latin-1), or None.

    `TRELLIS_PDF_FONT` (setting or environment) points at one explicitly; otherwise the
    usual system locations are tried.
    """
    configured = getattr(settings, "TRELLIS_PDF_FONT", "") or os.environ.get("TRELLIS_PDF_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def latin1(text: str) -> str:
    """Text the PDF core fonts can draw: typographic punctuation mapped, anything else '?'."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def pdf_filename(record: ExperienceRecord) -> str:
    name = slugify(f"{record.student.first_name} {record.student.last_name}") or "student"
    return f"experience-record-{name}-{record.generated_on:%Y-%m-%d}.pdf"


def _fmt_hours(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f} h"


def _fmt_date(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


class _RecordPDF:
    """A thin writer over fpdf2: headings, key–value lines and paragraphs, in one font."""

    def __init__(self, font: Path | None):
        from fpdf import FPDF

        self.pdf = FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(18, 18, 18)
        if font is not None:
            self.pdf.add_font("Body", "", str(font))
            self.family, self.clean = "Body", str
        else:
            self.family, self.clean = "helvetica", latin1
        self.pdf.set_lang("en")
        self.pdf.add_page()

    def heading(self, text: str, size: int):
        self.pdf.set_font(self.family, "", size)
        self.pdf.ln(2)
        self.pdf.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def line(self, text: str, size: int = 10):
        self.pdf.set_font(self.family, "", size)
        self.pdf.multi_cell(0, 5.2, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def gap(self, height: float = 2):
        self.pdf.ln(height)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(record: ExperienceRecord, *, font: Path | None | bool = True) -> bytes:
    """The record as a PDF. `font=True` picks a Unicode font if one is installed; None forces
    the built-in Helvetica (Latin-1 only)."""
    chosen = unicode_font() if font is True else font
    doc = _RecordPDF(chosen or None)
    s = record.student
    doc.pdf.set_title(f"Work-based learning experience record: {s.full_name}")
    doc.pdf.set_author(s.district.name)
    doc.pdf.set_creator("Trellis")

    doc.heading("Work-based learning experience record", 18)
    doc.line(f"{s.first_name} {s.last_name}", 13)
    doc.line(f"{s.school.name}, {s.district.name}")
    doc.line(f"Grade {s.grade}, class of {s.graduation_year}")
    doc.line(f"Record as of {_fmt_date(record.generated_on)}")
    doc.gap()
    doc.heading("Summary", 14)
    doc.line(f"Placements: {len(record.placements)}")
    doc.line(f"Approved hours: {_fmt_hours(record.total_hours)}")
    doc.line(f"Credits earned: {record.credits.credits.normalize():f}")
    if record.evaluation_mean is not None:
        doc.line(f"Mean evaluation score: {record.evaluation_mean} out of 4")

    for entry in record.placements:
        doc.gap(3)
        doc.heading(f"{entry.title} - {entry.partner}", 14)
        doc.line(f"{entry.kind}, {entry.cluster}")
        doc.line(f"{_fmt_date(entry.start_date)} to {_fmt_date(entry.end_date)} ({entry.status})")
        if entry.mentor:
            doc.line(f"Mentor: {entry.mentor}")
        doc.line(f"Approved hours: {_fmt_hours(entry.approved_hours)}")
        for evaluation in entry.evaluations:
            doc.gap()
            mean = f", mean {evaluation.mean} out of 4" if evaluation.mean is not None else ""
            doc.heading(
                f"{evaluation.kind} evaluation, {_fmt_date(evaluation.submitted_on)}{mean}", 11
            )
            for score in evaluation.scores:
                described = f" ({score.descriptor})" if score.descriptor else ""
                doc.line(f"{score.label}: {score.score} of 4{described}")
            if evaluation.comments:
                doc.line(f"Mentor's comments: {evaluation.comments}")
        for reflection in entry.reflections:
            doc.gap()
            doc.heading(
                f"Reflection, {_fmt_date(reflection.created_at.date())}: "
                f"{reflection.get_career_fit_display()}",
                11,
            )
            doc.line(reflection.text)
        for outcome in entry.outcomes:
            doc.gap()
            title = f" as {outcome.job_title}" if outcome.job_title else ""
            doc.line(f"{outcome.get_kind_display()}{title}, {_fmt_date(outcome.date)}")

    if record.other_outcomes:
        doc.gap(3)
        doc.heading("Other outcomes", 14)
        for outcome in record.other_outcomes:
            title = f" as {outcome.job_title}" if outcome.job_title else ""
            doc.line(
                f"{outcome.get_kind_display()} at {outcome.partner.name}{title}, "
                f"{_fmt_date(outcome.date)}"
            )
    if not record.placements:
        doc.gap()
        doc.line("No placements yet.")
    return doc.output()
