"""A row per student and match run instead of one JSON field of every explanation."""

import django.db.models.deletion
from django.db import migrations, models


def move_explanations(apps, schema_editor):
    """Each stored run's explanations become its students' result rows."""
    MatchRun = apps.get_model("placements", "MatchRun")
    MatchResult = apps.get_model("placements", "MatchResult")
    Student = apps.get_model("students", "Student")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    for run in MatchRun.objects.exclude(explanations={}).iterator(chunk_size=1):
        entries = run.explanations or {}
        students = set(Student.objects.filter(pk__in=[int(k) for k in entries]).values_list("pk", flat=True))
        opportunities = set(
            Opportunity.objects.filter(
                pk__in={e.get("opportunity") for e in entries.values()} - {None}
            ).values_list("pk", flat=True)
        )
        MatchResult.objects.bulk_create(
            (
                MatchResult(
                    run_id=run.pk,
                    student_id=int(sid),
                    opportunity_id=e.get("opportunity") if e.get("opportunity") in opportunities else None,
                    rank=e.get("rank"),
                    why_not=e.get("why_not") or [],
                )
                for sid, e in entries.items()
                if int(sid) in students
            ),
            batch_size=2000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0004_calendar_sources_and_mappings"),
        ("opportunities", "0002_load_career_clusters"),
        ("placements", "0005_updated_at_for_syncs"),
        ("students", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchResult",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rank", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "why_not",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Each higher choice missed: opportunity, rank, reason, rules, cutoff, priority, seats.",
                    ),
                ),
                (
                    "opportunity",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="opportunities.opportunity",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="placements.matchrun",
                    ),
                ),
                (
                    "student",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="students.student"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("run", "student"), name="match_result_one_per_student")
                ],
            },
        ),
        migrations.RunPython(move_explanations, migrations.RunPython.noop),
        migrations.RemoveField(model_name="matchrun", name="explanations"),
        migrations.AlterField(
            model_name="placement",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="placements",
                to="districts.district",
            ),
        ),
    ]
