# Change and ProjectState moved to apps.history (which takes over their tables).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0002_alter_filinground_filing_round_opens_before_close"),
        ("history", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Change"),
                migrations.DeleteModel(name="ProjectState"),
            ],
            database_operations=[],
        ),
    ]
