"""What the video library announces; apps that build on videos connect in their ready().

- `poster_stored` is sent on commit whenever a video's poster is stored (an upload, an import,
  `POST /api/v1/me/videos`), with `video_id`. The likeness scans look for faces in it.
"""

from __future__ import annotations

from django.dispatch import Signal

poster_stored = Signal()
