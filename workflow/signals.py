"""Signals the lower layers send for writes no model signal sees.

`rows_written(sender=Model, pks=[…], created=[…])`: rows were created or changed in bulk (`bulk_create`,
`bulk_update`), as the imports do; a higher layer that keeps something derived from them (reporting's due
periods) listens and works it out again in the same transaction. `pks` are every row written; `created`
(optional) the objects of those just created, as written, so a listener need not read them back.
`restored()`: a backup was loaded (loaddata sends no usable save signals)."""

from django.dispatch import Signal

rows_written = Signal()
restored = Signal()  # a backup was loaded: work out again what is derived and not backed up
