"""The lexicon's matching of names: how a Latin name's spellings are found."""

import pytest

from store import Lexicon, fold
from store.lexicon import separator_variants


@pytest.mark.parametrize(
    "alias,variants",
    [
        ("gpt-4 turbo", ["gpt4 turbo", "gpt4-turbo", "gpt 4 turbo", "gpt 4-turbo", "gpt-4-turbo"]),
        ("llama 3.1", ["llama3.1", "llama-3.1"]),
        ("deepseek-r1", ["deepseek r1"]),  # "r1" stays whole
        ("gpt4o", ["gpt 4o", "gpt-4o"]),  # "4o" stays whole
        ("scale ai", ["scale-ai"]),  # two words never run together: "scaleai" reads as a typo of "scale"
        ("openai", []),
        ("o1", []),
        ("文心一言", []),
        ("a+b c", []),  # joined by something other than spaces and hyphens
    ],
)
def test_a_latin_name_is_found_however_its_parts_are_joined(alias, variants):
    assert separator_variants(alias) == variants


def test_a_model_written_without_its_hyphen_is_still_that_model():
    lex = Lexicon.load()
    mentions = lex.find_mentions(fold("GPT4-Turbo总分90.63分遥遥领先，Llama-3.1紧随其后"))
    assert [m.entity for m in mentions][:1] == ["GPT-4 Turbo"]
