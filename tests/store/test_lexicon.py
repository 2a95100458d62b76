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


# --- the schema is checked where a lexicon file is read ----------------------------------------

from store import LexiconError  # noqa: E402


@pytest.mark.parametrize(
    "toml,complaint",
    [
        ('entity = [{ name = "Acme", alias = ["ACME"] }]', "unknown key 'alias' in entity 'Acme'"),
        ('entity = [{ name = "Acme", kind = "compnay" }]', "unknown kind 'compnay' in entity 'Acme'"),
        ('[metric.revenue]\nexpects = "monney"', "unknown expects 'monney' in metric 'revenue'"),
        ('[metric.revenue]\nkeyword = ["营收"]', "unknown key 'keyword' in metric 'revenue'"),
        ('entities = [{ name = "Acme" }]', "unknown key 'entities' in the file"),
        ('entity = [{ zh = "某某" }]', "entity 1 has no name"),
        ('[names]\ngeneral = ["ai"]', "unknown key 'general' in [names]"),
    ],
)
def test_an_operator_typo_is_one_error_naming_the_file_and_key(tmp_path, toml, complaint):
    (tmp_path / "ours.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(LexiconError) as e:
        Lexicon.load([tmp_path])
    assert str(e.value).startswith("ours.toml: ")
    assert complaint in str(e.value)


def test_a_well_formed_operator_file_adds_its_entity(tmp_path):
    (tmp_path / "ours.toml").write_text(
        'entity = [{ name = "Acme Robotics", zh = "艾克米", kind = "company", aliases = ["ACME"] }]',
        encoding="utf-8",
    )
    assert Lexicon.load([tmp_path]).aliases()[fold("艾克米")] == "Acme Robotics"


def test_without_entities_the_lexicon_keeps_metrics_glossary_and_boilerplate():
    full, bare = Lexicon.load(), Lexicon.load(entities=False)
    assert bare.entities == {} and bare.aliases() == {}
    assert bare.metrics.keys() == full.metrics.keys()
    assert bare.glossary == full.glossary and bare.boilerplate_markers == full.boilerplate_markers
    assert bare.fingerprint() != full.fingerprint()  # a store built so is never reused as the other


@pytest.mark.parametrize(
    ("alias", "text", "found"),
    [
        # a Latin name however its separators are written
        ("gpt-4 turbo", "gpt4-turbo总分90.63分", True),
        ("gpt-4 turbo", "gpt-4-turbo 的得分", True),
        ("moore threads", "moore-threads 上市", True),
        # never a piece of a longer word, nor two words run together that were apart
        ("gpt-4 turbo", "gpt-4 turbocharged", False),
        ("moore threads", "moorethreads 上市", False),
    ],
)
def test_an_alias_matches_however_its_separators_are_written(alias, text, found):
    from store.vocabulary import AliasMatcher

    assert bool(AliasMatcher([(alias, "X")]).find(text)) is found
