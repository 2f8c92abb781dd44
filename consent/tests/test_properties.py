"""Any sequence of consent actions matches a simple reference model, and the ledger replays it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import selectors, services
from consent.idsets import INHERIT, VideoState
from consent.ledger import ledger_verify, replay_creator
from consent.models import LedgerEntry, VideoOverride
from consent.tests.factories import policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video

pytestmark = pytest.mark.django_db
N_VIDEOS = 12

states = st.one_of(
    st.just(VideoState("deny")),
    st.just(VideoState()),
    st.builds(
        VideoState,
        st.just("allow"),
        st.sampled_from([None, 1, 3, 15]),
        st.sampled_from([None, "everyone", "followers"]),
    ),
)
policies = st.builds(
    lambda allowed, scopes, audience, clear: (allowed, scopes, audience, clear),
    st.booleans(),
    st.sampled_from([1, 2, 5, 15]),
    st.sampled_from(["everyone", "followers", "nobody"]),
    st.booleans(),
)
actions = st.one_of(
    st.tuples(st.just("account"), policies),
    st.tuples(st.just("bulk"), st.sets(st.integers(0, N_VIDEOS - 1), min_size=1), states),
    st.tuples(st.just("single"), st.integers(0, N_VIDEOS - 1), states),
    st.tuples(st.just("undo")),
)


class Model:
    """The obvious implementation: a dict per video, a snapshot stack for undo (each Undo
    reverts the newest change not yet undone), no record of a change that changes nothing."""

    def __init__(self) -> None:
        self.policy = {"allowed": False, "scopes": 0, "audience": "everyone"}
        self.overrides: dict[int, VideoState] = {}
        self.undo_stack: list[tuple[dict, dict]] = []

    def change(self, policy: dict, overrides: dict[int, VideoState]) -> None:
        if (policy, overrides) != (self.policy, self.overrides):
            self.undo_stack.append((self.policy, self.overrides))
        self.policy, self.overrides = policy, overrides

    def undo(self) -> None:
        self.policy, self.overrides = self.undo_stack.pop()

    def effective(self, index: int) -> tuple[bool, int, str]:
        state = self.overrides.get(index, VideoState())
        if state.remix == INHERIT:
            return self.policy["allowed"], self.policy["scopes"], self.policy["audience"]
        scopes = state.scopes if state.scopes is not None else self.policy["scopes"]
        return state.remix == "allow", scopes, state.audience or self.policy["audience"]


def run(action, creator, videos, model: Model) -> None:
    kind = action[0]
    try:
        if kind == "account":
            allowed, scopes, audience, clear = action[1]
            services.consent_set_policy(
                creator=creator,
                actor=creator,
                change=policy(allowed, scopes, audience),
                clear_exceptions=clear,
            )
            model.change(
                {"allowed": allowed, "scopes": scopes, "audience": audience},
                {} if clear else model.overrides,
            )
        elif kind in {"bulk", "single"}:
            indexes = action[1] if kind == "bulk" else {action[1]}
            state = action[2]
            ids = [videos[i].id for i in indexes]
            services.consent_set_videos(
                creator=creator, actor=creator, videos=Video.objects.filter(id__in=ids), state=state
            )
            overrides = dict(model.overrides)
            for index in indexes:
                if state.remix == INHERIT:
                    overrides.pop(index, None)
                else:
                    overrides[index] = state
            model.change(model.policy, overrides)
        else:
            target = services.undo_target(creator=creator)
            assert (target is None) == (not model.undo_stack)
            if target is None:
                return
            services.consent_undo(creator=creator, actor=creator, seq=target.seq)
            model.undo()
    except services.ConsentError:
        # Refused (allow with no scopes anywhere): nothing may have changed.
        pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, max_size=14))
def test_random_action_sequences_match_the_model_and_the_ledger(creator, other_creator, steps):
    with transaction.atomic():
        videos = []
        for index in range(N_VIDEOS):
            videos.append(make_video(creator, title=f"v{index}"))
            if index % 3 == 0:  # interleave another creator's ids
                make_video(other_creator)
        model = Model()
        for step in steps:
            run(step, creator, videos, model)

        rows = selectors.with_effective_consent(Video.objects.filter(owner=creator))
        actual = {v.id: (v.consent_allowed, v.consent_scopes, v.consent_audience) for v in rows}
        for index, video in enumerate(videos):
            assert actual[video.id] == model.effective(index), (index, steps)

        replayed_policy, replayed = replay_creator(creator=creator)
        stored = {
            o.video_id: VideoState(o.remix, o.scopes, o.audience)
            for o in VideoOverride.objects.filter(creator=creator)
        }
        assert replayed == stored
        assert replayed_policy["remix_allowed"] == model.policy["allowed"]
        recorded = LedgerEntry.objects.filter(creator=creator).exclude(action="undo").count()
        undone = LedgerEntry.objects.filter(creator=creator, action="undo").count()
        assert recorded - undone == len(model.undo_stack)
        assert ledger_verify().ok

        entry = LedgerEntry.objects.filter(creator=creator).order_by("?").first()
        if entry is not None:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(
                    "UPDATE consent_ledgerentry SET reason = 'tampered' WHERE id = %s", [entry.id]
                )
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            assert not ledger_verify().ok
        transaction.set_rollback(True)
