from __future__ import annotations

from consent.crawlers import AI_CRAWLERS, allowed_companies, company_key
from consent.usage import NOT_ALLOWED, ai_usage, content_usage, creator_ai_usage


def test_company_names_match_ignoring_case_spaces_and_punctuation():
    assert company_key("Open AI") == company_key("openai") == company_key("OpenAI")
    assert company_key("common-crawl") == company_key("Common Crawl")
    usage = ai_usage(training_allowed=True, companies=["open ai", "ANTHROPIC", "Acme Models"])
    assert allowed_companies(usage) == {"OpenAI", "Anthropic"}


def test_allowed_and_not_allowed_reach_every_company_or_none():
    everyone = {crawler.company for crawler in AI_CRAWLERS}
    assert allowed_companies(ai_usage(training_allowed=True)) == everyone
    assert allowed_companies(NOT_ALLOWED) == set()


def test_each_token_is_listed_once():
    tokens = [crawler.token.lower() for crawler in AI_CRAWLERS]
    assert len(tokens) == len(set(tokens))
    assert {"gptbot", "ccbot", "google-extended", "claudebot", "applebot-extended"} <= set(tokens)


def test_content_usage_and_creator_usage():
    assert content_usage(ai_usage(training_allowed=True)) == "train-ai=y"
    assert content_usage(ai_usage(training_allowed=True, companies=["OpenAI"])) == "train-ai=n"
    assert content_usage(NOT_ALLOWED) == "train-ai=n"
    assert creator_ai_usage(None) == NOT_ALLOWED
