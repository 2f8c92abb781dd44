"""What accounts announce to the rest of the product; subscribers connect in their
AppConfig.ready(), so accounts knows none of them.

- `follow_ended` is sent inside the unfollow's transaction, once the Follow row is gone;
  receivers get `follower_id` and `followed_id`. What they write commits or rolls back with it
  (a followers-only grant no longer covers the former follower).
"""

from __future__ import annotations

from django.dispatch import Signal

follow_ended = Signal()
