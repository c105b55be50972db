"""Person search keys compared byte-wise ("C" on PostgreSQL): prefix searches become LIKE ranges the planner
can estimate. Changing a column's collation drops its statistics, hence the ANALYZE."""

import core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_lean_write_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='name_initials',
            field=core.fields.BytewiseCharField(editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='person',
            name='name_norm',
            field=core.fields.BytewiseCharField(editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='person',
            name='name_pinyin',
            field=core.fields.BytewiseCharField(editable=False, max_length=120),
        ),
        migrations.RunSQL("ANALYZE people_person", migrations.RunSQL.noop),
    ]
