# Written by hand so it holds only the Perkins 5S3 fields (other district models are in flight).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("districts", "0002_district_credit_increment")]

    operations = [
        migrations.AddField(
            model_name="district",
            name="perkins_min_hours",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                help_text="Perkins 5S3: approved WBL hours a concentrator needs to count (0: any started placement).",
                max_digits=6,
            ),
        ),
        migrations.AddField(
            model_name="district",
            name="perkins_counted_kinds",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Perkins 5S3: opportunity kinds that count as WBL; empty means every kind.",
            ),
        ),
    ]
