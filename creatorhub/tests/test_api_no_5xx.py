"""No input makes the JSON API answer 5xx.

Hypothesis drives every operation that /api/v1/openapi.json describes: every path and query
parameter gets arbitrary text and known troublemakers, and every JSON body field (found by
walking the schema, so a new field is fuzzed without touching this file) is replaced, dropped
or joined by an unknown one in an otherwise valid body, which reaches the code behind the
validation. Raw bodies (not JSON, nested 50,000 deep, wrong types) are sent too. A new
operation fails `test_every_operation_is_fuzzed` until it has a valid base body here.

Bounded for `make test`: API_FUZZ_EXAMPLES examples per operation (default 40); raise it for a
deeper run, e.g. `make test PYTEST_ARGS="creatorhub/tests/test_api_no_5xx.py"
API_FUZZ_EXAMPLES=2000`.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from consent import services as consent_services
from consent.scopes import ALL_SCOPES
from consent.tests.factories import policy
from creatorhub.accounts.tokens import api_token_create
from creatorhub.api import api
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import image_bytes, make_video
from likeness.enrolment import biometric_consent_give
from remixer import services as remix_services
from remixer.tests.factories import make_postered_video

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "40"))
PREFIX = "/api/v1"

# A valid body per operation that takes one; the fuzzer mutates one field at a time from here.
BASE_BODIES: dict[tuple[str, str], dict] = {
    ("put", "/me/consent"): {
        "remix": {
            "allowed": True,
            "scopes": {"caption": True, "background": False, "face": False, "voice": False},
            "audience": "everyone",
        },
        "training": {"allowed": True, "companies": ["Acme"]},
        "clear_exceptions": False,
        "reason": "fuzz",
    },
    ("post", "/me/videos/consent"): {
        "selection": {"filter": {"q": "a", "tag": "b", "created_after": "2024-01-01"}},
        "remix": "allow",
        "scopes": {"caption": True},
        "audience": "followers",
        "reason": "fuzz",
    },
    ("post", "/videos/{public_id}/remixes"): {
        "template": "caption",
        "inputs": {"top": "top", "bottom": "bottom", "style": "classic"},
    },
    ("put", "/me/consent/rules"): {
        "blocked_phrases": ["politics", "p0l1t1cs"],
        "categories": ["profanity"],
        "reason": "fuzz",
    },
    ("put", "/me/videos/{public_id}/consent/rules"): {
        "blocked_phrases": ["cats"],
        "categories": ["slurs", "political_figures"],
    },
    ("put", "/me/likeness/consent"): {
        "consent": {"others_videos": "ask"},
        "own_videos": True,
        "biometric_consent": True,
    },
    ("post", "/me/remix-requests/decide"): {
        "ids": ["REMIX"],
        "decision": "approve",
        "message": "fuzz",
        "always_allow": True,
    },
}
# `inputs` is a free-form object in the schema; these are the fields the templates read.
FREE_FORM_FIELDS: dict[tuple[str, str], list[tuple[str, ...]]] = {
    ("post", "/videos/{public_id}/remixes"): [
        ("inputs", "top"),
        ("inputs", "bottom"),
        ("inputs", "style"),
        ("inputs", "backdrop"),
        ("inputs", "colors"),
        ("inputs", "colors", "*"),
        ("inputs", "effect"),
    ],
}
ALTERNATIVE_BODIES: dict[tuple[str, str], list[dict]] = {
    ("put", "/me/consent"): [
        {
            "remix": {"mode": "ask", "scopes": {"caption": True}, "audience": "approved"},
            "training": {"allowed": False},
        },
    ],
    ("post", "/me/remix-requests/decide"): [
        {"ids": ["REMIX"], "decision": "decline", "message": "no"},
    ],
    ("post", "/me/videos/consent"): [
        {"selection": {"all": True}, "remix": "deny"},
        {"selection": {"ids": ["VIDEO"]}, "remix": "inherit"},
    ],
    ("post", "/videos/{public_id}/remixes"): [
        {"template": "background", "inputs": {"backdrop": "stripes", "colors": ["#fff", "#000"]}},
        {"template": "face", "inputs": {"effect": "pixelate"}},
    ],
}

TROUBLE = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 30,
    "²",
    "١٢",
    "\x00",
    "%00",
    "../..",
    "null",
    "true",
    "[]",
    "{}",
    "9999-12-31T23:59:59.999999-23:59",
    "0001-01-01T00:00:00+23:59",
    "2024-02-30",
    "0000-00-00",
    "10000-01-01",
    "9999-12-31",
    "0001-01-01",
    "2024-01-01T25:00:00",
    "x" * 5000,
]
RAW_BODIES = [
    b"",
    b"null",
    b"[]",
    b"{",
    b'{"a": NaN}',
    b"\xff\xfe",
    b"[" * 50_000,
    b'{"a":' * 50_000,
    b'"' + b"x" * 100_000 + b'"',
    b"1" * 5000,
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(TROUBLE),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=10,
)
# Values a field might legitimately hold, so mutated bodies often pass validation and reach the
# services behind it.
plausible = st.sampled_from(
    [
        True,
        False,
        None,
        "",
        "allow",
        "deny",
        "inherit",
        "everyone",
        "followers",
        "nobody",
        "caption",
        "background",
        "face",
        "classic",
        "bar",
        "stripes",
        "pixelate",
        "#ff8800",
        ["#fff", "#000"],
        "2024-01-01",
        [],
        ["Acme"],
        {},
        {"all": True},
        {"caption": True},
    ]
)
text_values = st.one_of(
    st.sampled_from(TROUBLE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda value: value.isoformat()),
)


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def field_paths(schema: dict, components: dict, prefix: tuple[str, ...] = ()):
    """Every field of a JSON schema as a key path; "*" stands for any item of an array."""
    schema = _resolve(schema, components)
    for branch in schema.get("allOf", []) + schema.get("anyOf", []):
        yield from field_paths(branch, components, prefix)
    for name, child in schema.get("properties", {}).items():
        yield (*prefix, name)
        yield from field_paths(child, components, (*prefix, name))
    if "items" in schema:
        yield (*prefix, "*")
        yield from field_paths(schema["items"], components, (*prefix, "*"))


def operations() -> list[dict]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            params = operation.get("parameters", [])
            content = operation.get("requestBody", {}).get("content", {})
            fields: list[tuple[str, ...]] = []
            for media in content.values():
                fields.extend(field_paths(media["schema"], components))
            key = (method, path.removeprefix(PREFIX))
            found.append(
                {
                    "key": key,
                    "path": [p["name"] for p in params if p["in"] == "path"],
                    "query": [p["name"] for p in params if p["in"] == "query"],
                    "content": sorted(content),
                    "fields": sorted(set(fields) | set(FREE_FORM_FIELDS.get(key, []))),
                }
            )
    return found


OPERATIONS = operations()


def test_every_operation_is_fuzzed():
    for operation in OPERATIONS:
        if "application/json" in operation["content"]:
            assert operation["key"] in BASE_BODIES, f"give {operation['key']} a base body"
        for kind in operation["content"]:
            assert kind in ("application/json", "multipart/form-data"), kind
    assert {op["key"] for op in OPERATIONS} >= set(BASE_BODIES)


def _set(body: object, path: tuple[str, ...], value: object, *, delete: bool = False) -> object:
    """`body` with the field at `path` set to `value` (or deleted), creating parents."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "*":
        items = list(body) if isinstance(body, list) else []
        if not items:
            return [] if delete and not rest else [_set(None, rest, value, delete=delete)]
        if delete and not rest:
            return items[1:]
        items[0] = _set(items[0], rest, value, delete=delete)
        return items
    container = dict(body) if isinstance(body, dict) else {}
    if delete and not rest:
        container.pop(head, None)
    else:
        container[head] = _set(container.get(head), rest, value, delete=delete)
    return container


@st.composite
def json_bodies(draw, operation: dict, video_ids: list[str]):
    key = operation["key"]
    kind = draw(st.sampled_from(["mutated"] * 6 + ["arbitrary", "raw"]))
    if kind == "raw":
        return draw(st.sampled_from(RAW_BODIES) | st.binary(max_size=200))
    if kind == "arbitrary":
        return json.dumps(draw(json_values)).encode()
    base = draw(st.sampled_from([BASE_BODIES[key], *ALTERNATIVE_BODIES.get(key, [])]))
    text = json.dumps(base).replace('"VIDEO"', json.dumps(video_ids[0]))
    body = json.loads(text.replace('"REMIX"', json.dumps(video_ids[-1])))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(operation["fields"]))
        action = draw(st.sampled_from(["set", "set", "set", "delete", "extra"]))
        if action == "extra":
            path = (*path[:-1], draw(st.text(min_size=1, max_size=8)))
        value = draw(st.one_of(json_values, plausible, st.sampled_from(video_ids)))
        body = _set(body, path, value, delete=action == "delete")
    return json.dumps(body, allow_nan=True).encode()


@st.composite
def requests(draw, operation: dict, ids: list[str]):
    path = PREFIX + operation["key"][1]
    for name in operation["path"]:
        known = draw(st.integers(0, 3))  # a real id (of every kind) three times in four
        value = draw(st.sampled_from(ids) if known else text_values)
        path = path.replace("{" + name + "}", quote(value, safe=""))
    query = {name: draw(text_values) for name in operation["query"] if draw(st.booleans())}
    if query:
        path += "?" + urlencode(query)
    request = {"method": operation["key"][0], "path": path}
    if "application/json" in operation["content"]:
        request["data"] = draw(json_bodies(operation, ids))
        request["content_type"] = draw(
            st.sampled_from(["application/json"] * 4 + ["text/plain", "application/x-www-form"])
        )
    elif "multipart/form-data" in operation["content"]:
        payload = draw(
            st.sampled_from([image_bytes(size=(8, 8)), b"", b"GIF89a", b"\x89PNG\r\n\x1a\n"])
            | st.binary(max_size=200)
        )
        field = draw(st.sampled_from([*operation["fields"], ("other",)]))
        request["multipart"] = {field[0]: payload}
    request["who"] = draw(
        st.sampled_from(["owner", "owner", "owner session", "stranger", "anonymous"])
    )
    return request


@pytest.fixture
def world(creator, other_creator, settings):
    settings.REMIX_RATE_PER_MINUTE = 10_000
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(scopes=ALL_SCOPES)
    )
    postered = make_postered_video(creator, title="Postered")
    plain = make_video(creator, title="Plain", tags=["b"])
    private = make_video(creator, title="Private", visibility=Video.Visibility.PRIVATE)
    foreign = make_video(other_creator, title="Foreign", visibility=Video.Visibility.PRIVATE)
    clients = {
        "owner": Client(headers={"Authorization": f"Bearer {_token(creator)}"}),
        "stranger": Client(headers={"Authorization": f"Bearer {_token(other_creator)}"}),
        "owner session": Client(),
        "anonymous": Client(),
    }
    clients["owner session"].force_login(creator)
    remix = remix_services.remix_request(
        requester=creator, video=postered, template="caption", inputs={"top": "hi"}
    )
    # Uploaded enrolment photos then reach the face engine, not only the consent check.
    biometric_consent_give(person=creator, actor=creator)
    ids = [postered.public_id, plain.public_id, private.public_id, foreign.public_id]
    return clients, [*ids, remix.public_id]


def _token(user) -> str:
    return api_token_create(user=user, name="fuzz")[1]


def _send(clients: dict[str, Client], request: dict):
    client = clients[request["who"]]
    method = request["method"]
    if "multipart" in request:
        files = {k: SimpleUploadedFile("x.png", v) for k, v in request["multipart"].items()}
        return client.post(request["path"], files)
    if "data" in request:
        return getattr(client, method)(
            request["path"], data=request["data"], content_type=request["content_type"]
        )
    return getattr(client, method)(request["path"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: " ".join(op["key"]))
def test_no_input_makes_the_api_answer_5xx(world, operation):
    clients, ids = world

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(operation, ids))
    def check(request):
        response = _send(clients, request)
        event(f"status {response.status_code}")  # see --hypothesis-show-statistics
        assert response.status_code < 500, (request, response.content[:500])
        if response.status_code >= 400:
            body = response.json()
            # A content-rule refusal also names the rule.
            assert set(body) - {"rule"} == {"error", "detail"}, body

    check()
