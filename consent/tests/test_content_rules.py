"""Content rules catch disguised blocked words without tripping on innocent captions."""

from __future__ import annotations

import pytest

from consent.content_rules import (
    CATEGORIES,
    MAX_PHRASES,
    RuleHit,
    caption_check,
    clean_categories,
    clean_phrases,
    normalise,
    squash,
    wordlist,
)

ALL = list(CATEGORIES)


def check(text: str, *, phrases: tuple[str, ...] = (), categories: tuple[str, ...] = ()):
    return caption_check([text], phrases=phrases, categories=categories)


@pytest.mark.parametrize(
    "caption",
    [
        "No POLITICS here",
        "P0L1T1CS",
        "pólítícs",
        "p o l i t i c s",
        "poli-tics",
        "poli!tics",
        "po\u200blitics",  # zero-width space
        "poli\u202etics",  # right-to-left override
        "ｐｏｌｉｔｉｃｓ",  # fullwidth
        "#politics2024",
    ],
)
def test_a_blocked_phrase_is_caught_however_it_is_disguised(caption):
    hit = check(caption, phrases=("politics",))
    assert hit == RuleHit(
        rule="blocked_phrase",
        category=None,
        message="The caption uses a phrase the creator has blocked.",
    )
    assert hit.code == "blocked_phrase"


@pytest.mark.parametrize("caption", ["polite tics", "policies", "a political poll"])
def test_a_blocked_phrase_needs_all_its_letters_in_order(caption):
    assert check(caption, phrases=("politics",)) is None


def test_a_blocked_phrase_with_leetspeak_matches_the_plain_spelling():
    assert check("Election Day", phrases=("3l3ct10n",)) is not None


def test_every_text_is_checked_not_just_the_first():
    hit = caption_check(["A calm caption", "so much drama"], phrases=("drama",), categories=())
    assert hit is not None


def test_blocked_phrases_are_checked_before_categories():
    hit = check("putin politics", phrases=("politics",), categories=ALL)
    assert hit.code == "blocked_phrase"


def test_an_empty_stored_phrase_does_not_block_every_caption():
    assert check("anything at all", phrases=("", " - ")) is None


@pytest.mark.parametrize(
    ("caption", "category"),
    [
        ("what the FUCK!", "profanity"),
        ("f u c k this", "profanity"),
        ("f.u.c.k", "profanity"),
        ("sh1t happens", "profanity"),
        ("sh!t happens", "profanity"),
        ("$hit happens", "profanity"),
        ("you b!tch", "profanity"),
        ("@$$hole!", "profanity"),
        ("m o t h e r f u c k e r", "profanity"),
        ("fu\u200bck", "profanity"),
        ("Xi Jin Ping waves", "political_figures"),
        ("Barack O Bama", "political_figures"),
        ("#DonaldTrump", "political_figures"),
        ("trump2024", "political_figures"),
        ("@putin", "political_figures"),
        ("Putin's speech", "political_figures"),
        ("p u t i n", "political_figures"),
        ("n e t a n y a h u", "political_figures"),
        ("Erdoğan and Orbán", "political_figures"),
        ("PRESIDENT BIDEN", "political_figures"),
    ],
)
def test_categories_catch_spaced_out_leet_and_accented_spellings(caption, category):
    hit = check(caption, categories=ALL)
    assert hit is not None
    assert hit.code == f"category:{category}"


@pytest.mark.parametrize(
    "caption",
    [
        "Scunthorpe United",
        "a classic class",
        "the assassin passes",
        "shiitake cocktail",
        "Moby Dick by the peacock",
        "put in the work",  # "putin" if words were joined
        "unban or ban them",  # "orban"
        "Taylor's hit single",  # "shit"
        "a trumpet solo",
        "Modigliani",
        "spicy food",
        "the therapist",
        "top 10 tips",
    ],
)
def test_categories_do_not_trip_on_innocent_words(caption):
    assert check(caption, categories=ALL) is None


def test_only_the_chosen_categories_apply():
    assert check("putin", categories=("profanity", "slurs")) is None
    assert check("putin", categories=("political_figures",)) is not None


def test_an_unknown_category_is_refused_not_ignored():
    with pytest.raises(ValueError, match="Unknown category: gossip"):
        check("anything", categories=("gossip",))


@pytest.mark.parametrize("category", ALL)
def test_every_list_entry_is_caught_and_never_repeated_in_the_message(category):
    entries = wordlist(category)
    assert 10 <= len(entries) <= 60
    for entry in entries:
        hit = check(f"look at this {entry} here", categories=(category,))
        assert hit is not None, entry
        assert hit.code == f"category:{category}"
        assert CATEGORIES[category].lower() in hit.message
        assert squash(entry) not in squash(hit.message), entry


@pytest.mark.parametrize("phrase", ["politics", "my ex", "crypto scam", "brand x"])
def test_a_blocked_phrase_message_does_not_repeat_the_phrase(phrase):
    hit = check(f"all about {phrase}", phrases=(phrase,))
    assert hit is not None
    assert squash(phrase) not in squash(hit.message)


def test_wordlists_skip_comments_and_blank_lines():
    for category in ALL:
        assert all(entry and not entry.startswith("#") for entry in wordlist(category))


def test_normalise_folds_case_accents_leet_and_hidden_characters():
    assert normalise("Ünïcödé  CAFÉ!") == "unicode cafe"
    assert normalise("5h1t, 3v3ry 0n3") == "shit every one"
    assert normalise("z\u200bero\u200dwidth\u00adjoin") == "zerowidthjoin"
    assert normalise("po\x07li\x00tics") == "politics"
    assert normalise("ℌello\tworld\n") == "hello world"
    assert normalise("Straße") == "strasse"


def test_normalise_keeps_repeated_letters():
    assert normalise("Fuuuck too") == "fuuuck too"
    assert check("fuuuck", categories=ALL) is None


def test_squash_removes_spacing():
    assert squash("P o-L i") == "poli"


def test_clean_phrases_splits_a_string_on_lines_and_commas():
    assert clean_phrases("politics,  crypto   scam\n\n my ex ,") == [
        "politics",
        "crypto scam",
        "my ex",
    ]


def test_clean_phrases_keeps_the_first_spelling_of_the_same_phrase():
    assert clean_phrases(["Politics", "p0l1t1cs", "POLI TICS", "news"]) == ["Politics", "news"]


def test_clean_phrases_takes_a_list_without_splitting_its_items():
    assert clean_phrases(["well, actually", "  "]) == ["well, actually"]


def test_clean_phrases_limits_length():
    assert clean_phrases(["x" * 100]) == ["x" * 100]
    with pytest.raises(ValueError, match="at most 100 characters"):
        clean_phrases(["x" * 101])


@pytest.mark.parametrize("phrase", ["a", "!", "- a -"])
def test_clean_phrases_refuses_a_phrase_that_would_match_everything(phrase):
    with pytest.raises(ValueError, match="too short"):
        clean_phrases([phrase])


def test_clean_phrases_limits_the_count():
    phrases = [f"phrase {n:03}" for n in range(MAX_PHRASES + 1)]
    assert len(clean_phrases(phrases[:MAX_PHRASES])) == MAX_PHRASES
    with pytest.raises(ValueError, match="Too many blocked phrases: 201; the limit is 200"):
        clean_phrases(phrases)


def test_clean_categories_dedupes_in_a_stable_order():
    assert clean_categories(["slurs", "profanity", "slurs"]) == ["profanity", "slurs"]
    assert clean_categories([]) == []


def test_clean_categories_refuses_an_unknown_key():
    with pytest.raises(ValueError, match="Unknown category: gossip; choose from profanity, slurs"):
        clean_categories(["profanity", "gossip"])
