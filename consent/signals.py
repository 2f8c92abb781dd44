"""What consent announces to the rest of the product.

`consent_changed` is sent (in the worker, by the `consent_changed` task) once per committed
ledger entry; receivers get `entry_id`. The remixer subscribes in its AppConfig.ready().
"""

from __future__ import annotations

from django.dispatch import Signal

consent_changed = Signal()
