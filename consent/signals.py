"""What consent announces to the rest of the product. Consent knows nothing of its subscribers;
they connect in their AppConfig.ready().

- `consent_changing` is sent inside the transaction of each consent change, once the new state
  and its ledger entry are written and while the creator's policy row is locked; receivers get
  `entry` (the LedgerEntry) and `creator_id`. What they write commits or rolls back with the
  change, and an exception rolls the change back, so work done here cannot wait for a broker:
  keep it set-based (a few statements), with side effects on commit.
- `consent_changed` is sent (in the worker, by the `consent_changed` task) once per committed
  ledger entry; receivers get `entry_id`. Slow follow-up work (regeneration) belongs here.
"""

from __future__ import annotations

from django.dispatch import Signal

consent_changing = Signal()
consent_changed = Signal()
