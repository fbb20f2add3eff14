"""Load the 2024 National Career Clusters Framework (14 clusters, 72 sub-clusters).

The source is the reference text kept in opportunities/data/career-clusters.md; the
legacy-16 crosswalk records which original clusters each new one absorbs.
"""

import re
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

SOURCE = Path(__file__).resolve().parent.parent / "data" / "career-clusters.md"

LEGACY = {
    "Advanced Manufacturing": ["Manufacturing", "STEM"],
    "Construction": ["Architecture & Construction"],
    "Supply Chain & Transportation": ["Transportation, Distribution & Logistics"],
    "Arts, Entertainment, & Design": ["Arts, A/V Tech & Communications"],
    "Hospitality, Events, & Tourism": ["Hospitality & Tourism"],
    "Financial Services": ["Finance"],
    "Education": ["Education & Training"],
    "Healthcare & Human Services": ["Health Science", "Human Services"],
    "Public Service & Safety": ["Law, Public Safety, Corrections & Security", "Government & Public Administration"],
    "Agriculture": ["Agriculture, Food & Natural Resources"],
    "Energy & Natural Resources": ["Agriculture, Food & Natural Resources", "STEM"],
    "Digital Technology": ["Information Technology", "STEM"],
    "Management & Entrepreneurship": ["Business Mgmt & Administration"],
    "Marketing & Sales": ["Marketing, Sales & Service"],
}

LINE = re.compile(r"^\s*-\s+(?P<name>[^\[\n]+?)\s*\[(?P<code>\d{6})\]:\s*(?P<subs>.+)$")
SUB = re.compile(r"^(?P<name>.+?)(?:\s*\[(?P<code>\d{6})\])?$")


def parse(text):
    clusters = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        subs = []
        for part in m["subs"].split(";"):
            sm = SUB.match(part.strip())
            subs.append((sm["name"].strip(), sm["code"] or ""))
        clusters.append((m["name"].strip(), m["code"], subs))
    return clusters


def load(apps, schema_editor):
    CareerCluster = apps.get_model("opportunities", "CareerCluster")
    SubCluster = apps.get_model("opportunities", "SubCluster")
    clusters = parse(SOURCE.read_text(encoding="utf-8"))
    if len(clusters) != 14 or sum(len(s) for _, _, s in clusters) != 72:
        raise RuntimeError(f"{SOURCE}: expected 14 clusters and 72 sub-clusters")
    for order, (name, code, subs) in enumerate(clusters, start=1):
        cluster, _ = CareerCluster.objects.update_or_create(
            code=code,
            defaults={"name": name, "slug": slugify(name), "sort_order": order, "legacy_clusters": LEGACY[name]},
        )
        for sub_name, sub_code in subs:
            SubCluster.objects.update_or_create(
                cluster=cluster, slug=slugify(sub_name), defaults={"name": sub_name, "code": sub_code}
            )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
