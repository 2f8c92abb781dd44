"""What the likeness app announces; the remixer connects in its AppConfig.ready().

- `likeness_changing` is sent inside the transaction that changes a person's likeness consent
  (their profile, a per-video allowance, or their enrolment deleted), with `person_id` and the
  ledger `entry`. Receivers withdraw (hold) the published remixes that the person no longer
  allows and requeue the held ones that they allow again, set-based, as consent_changing does.
- `match_found` is sent on commit when a scan finds an enrolled person in a video of another
  creator for the first time, with `person_id` and `video_id`; the remixer notifies the person
  (at most once a day).
- `person_enrolled` is sent on commit when one of a person's enrolment photos is described, with
  `person_id`; the scans look for that person in every stored frame.
"""

from __future__ import annotations

from django.dispatch import Signal

likeness_changing = Signal()
match_found = Signal()
person_enrolled = Signal()
