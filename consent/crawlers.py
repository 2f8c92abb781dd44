"""The AI crawlers robots.txt speaks to, each with the company it belongs to.

Creators name companies in free text (`CreatorPolicy.training_companies`). A name matches a
company here when the two are equal ignoring case, spaces and punctuation ("openai",
"Open AI" and "OpenAI" are OpenAI; "common-crawl" is Common Crawl); a name that matches none
reaches no crawler in robots.txt, though the consent API and the embedded assertions still
carry it. Keep the list in step with the operators' published user-agent tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consent.usage import AIUsage, Training


@dataclass(frozen=True)
class Crawler:
    token: str  # the robots.txt user-agent token the operator documents
    company: str


AI_CRAWLERS: tuple[Crawler, ...] = (
    Crawler("GPTBot", "OpenAI"),
    Crawler("ChatGPT-User", "OpenAI"),
    Crawler("OAI-SearchBot", "OpenAI"),
    Crawler("CCBot", "Common Crawl"),
    Crawler("Google-Extended", "Google"),
    Crawler("GoogleOther", "Google"),
    Crawler("ClaudeBot", "Anthropic"),
    Crawler("Claude-User", "Anthropic"),
    Crawler("anthropic-ai", "Anthropic"),
    Crawler("Applebot-Extended", "Apple"),
    Crawler("Bytespider", "ByteDance"),
    Crawler("PerplexityBot", "Perplexity"),
    Crawler("Perplexity-User", "Perplexity"),
    Crawler("meta-externalagent", "Meta"),
    Crawler("FacebookBot", "Meta"),
    Crawler("Amazonbot", "Amazon"),
    Crawler("cohere-ai", "Cohere"),
    Crawler("cohere-training-data-crawler", "Cohere"),
    Crawler("Diffbot", "Diffbot"),
    Crawler("AI2Bot", "Allen Institute for AI"),
    Crawler("Ai2Bot-Dolma", "Allen Institute for AI"),
    Crawler("MistralAI-User", "Mistral AI"),
    Crawler("DuckAssistBot", "DuckDuckGo"),
    Crawler("YouBot", "You.com"),
    Crawler("omgili", "Webz.io"),
    Crawler("Timpibot", "Timpi"),
)


def company_key(name: str) -> str:
    """How company names are compared: case-insensitive, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", name).casefold()


COMPANIES: dict[str, str] = {company_key(c.company): c.company for c in AI_CRAWLERS}


def allowed_companies(usage: AIUsage) -> set[str]:
    """The companies of this list that `usage` lets train (display names)."""
    if usage.training == Training.ALLOWED:
        return set(COMPANIES.values())
    if usage.training == Training.NOT_ALLOWED:
        return set()
    return {COMPANIES[key] for key in map(company_key, usage.companies) if key in COMPANIES}
