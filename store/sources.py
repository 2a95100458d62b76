"""Reading a sources folder: which files are articles, their text, and what is known about them.

    for path in iter_sources(Path("seeds")):
        article = read_article(path, catalogue=load_catalogue(Path("seeds")))
        article.text, article.meta.title

An article may carry metadata in a front-matter block at its top::

    ---
    title: 微软第三财季资本支出同比增长79%
    outlet: 财联社
    url: https://example.com/a/1
    published: 2024-04-26
    ---
    (the article)

or in a ``sources.toml`` beside it (``["file.txt"]`` tables with the same keys; the front matter
wins). Without a title, the title is the article's first line that reads like a headline and is
not site boilerplate.

The front matter is blanked (every character but the line breaks becomes a space), not cut: the
text the extractor sees has the file's length and line numbers, so facts' offsets still point
into the article as stored, and no fact can come from the metadata.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .errors import BuildError
from .text import find_mojibake, fold

MAX_SOURCE_BYTES = 20 * 1024 * 1024
SOURCE_SUFFIXES = {".txt", ".md", ".text"}
CATALOGUE = "sources.toml"
META_KEYS = ("title", "outlet", "url", "published")
MAX_TITLE = 48  # characters: a longer first line is a paragraph, not a headline
_SENTENCE_END = re.compile(r"[。！？!?]")
_CAPTION = re.compile(r"[(（\[【].*[)）\]】]")
_BYLINE = re.compile(r"^\s*(?:作者|來源|来源|記者|记者|編輯|编辑|责编|責編)\s*[|｜:：]")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>(?:.*\r?\n)*?)---[ \t]*(?:\r?\n|\Z)")
_META_LINE = re.compile(r"^\s*(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about an article besides its text (every field optional)."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # YYYY-MM-DD

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class Article:
    """A source file read for extraction: its text (front matter blanked) and its metadata."""

    file: str
    text: str
    meta: ArticleMeta
    encoding: str = "utf-8"  # what the file was read as (gb18030, big5…: see decode_source_as)

    @property
    def sha256(self) -> str:
        """The hash a build records for this text (the extractor's: ``Document.sha256``)."""
        return text_sha256(self.text)


def text_sha256(text: str) -> str:
    """Return the SHA-256 the store records for an article's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_source(path: Path) -> str:
    """Return a source file's text, or raise ValueError saying why it cannot be used."""
    return read_source_as(path)[0]


def read_source_as(path: Path) -> tuple[str, str]:
    """Return a source file's text and the encoding it was read as (``utf-8``, ``gb18030``…), or
    raise ValueError saying why it cannot be used."""
    return decode_source_as(path.read_bytes())


def decode_source(data: bytes) -> str:
    """Return an article's text from its bytes, or raise ValueError saying why it cannot be used."""
    return decode_source_as(data)[0]


def decode_source_as(data: bytes) -> tuple[str, str]:
    """Return an article's text from its bytes and the encoding it was read as.

    UTF-8 (with or without a BOM) is read as it is. Anything else is detected with
    charset-normalizer among the encodings Chinese archives come in (GB18030, which reads GBK and
    GB2312 too; Big5; UTF-16/32) and accepted only above a confidence floor, and only if the text
    it gives is not mis-decoded (``find_mojibake``): a file read in the wrong encoding is refused,
    never turned into facts. Raises ValueError saying why a file cannot be used (empty, too large,
    a PDF or an image, binary, an encoding that cannot be told)."""
    if not data.strip():
        raise ValueError("empty file")
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
    kind = binary_kind(data)
    if kind:
        raise ValueError(f"{kind}, not text")
    if b"\x00" in data[:8192] and not data.startswith(_UNICODE_BOMS):  # UTF-16/32 hold NULs
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        where = f"byte {e.start}: {data[e.start : e.start + 1]!r}"
    return _detected(data, where)


# What Chinese-language archives come in besides UTF-8. GB18030 is a superset of GBK and GB2312
# (a GBK file reads the same as GB18030); Big5 is Taiwan's and Hong Kong's (cp950 and HKSCS add
# characters to it).
DETECTED_ENCODINGS = ("gb18030", "big5", "cp950", "big5hkscs", "utf_16", "utf_32")
# charset-normalizer's "chaos" of the text a decoding gives (0 clean, 1 noise): above this the
# detection is not trusted (its own default is 0.2; Chinese news read right is below 0.02)
MAX_CHAOS = 0.1
# share of the decoded text that find_mojibake marks as damaged: above this the decoding is wrong
MAX_DAMAGED = 0.01
# Share of a decoded text that must be ordinary article characters (Han, ASCII, CJK and general
# punctuation, full-width forms): bytes that decode without error into rarer symbols are not text
# in that encoding (b"\xff\xfe\x00 not text" reads as UTF-16 '\u2000潮⁴整瑸')
MIN_ORDINARY = 0.9
_ORDINARY = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\x20-\x7e\s\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2030-\u205e"
    r"\u00a0-\u00ff\u2460-\u24ff\u2100-\u214f\u2190-\u21ff\u25a0-\u25ff]"
)
ENCODING_NAMES = {
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp950": "Big5 (cp950)",
    "big5hkscs": "Big5-HKSCS",
    "utf_16": "UTF-16",
    "utf_32": "UTF-32",
    "utf-8": "UTF-8",
}
_UNICODE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"),
    (b"PK\x03\x04", "a ZIP archive (Word, EPUB, …)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
)


def binary_kind(data: bytes) -> str | None:
    """What a file's first bytes say it is when it is not text (``a PDF``, ``an image (PNG)``), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "an image (WebP)"
    return None


def encoding_name(encoding: str) -> str:
    """How a report names an encoding: ``GB18030``, ``Big5``, ``UTF-16``."""
    return ENCODING_NAMES.get(encoding, encoding.upper())


def _detected(data: bytes, where: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for the import

    best = from_bytes(data, cp_isolation=list(DETECTED_ENCODINGS)).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise ValueError(
            f"not UTF-8 ({where}), and not confidently GB18030, GBK, Big5 or UTF-16: "
            "save it as UTF-8 to add it"
        )
    text = str(best).removeprefix("\ufeff")
    odd = sum(1 for c in text if not _ORDINARY.match(c))
    if odd > (1 - MIN_ORDINARY) * len(text):
        raise ValueError(
            f"not UTF-8 ({where}); read as {encoding_name(best.encoding)} it is not text "
            f"({odd} of {len(text)} characters are neither Chinese, Latin nor punctuation): "
            "save it as UTF-8 to add it"
        )
    damaged = sum(end - start for start, end in find_mojibake(text))
    if damaged > MAX_DAMAGED * len(text):
        raise ValueError(
            f"not UTF-8 ({where}); read as {encoding_name(best.encoding)} it comes out garbled "
            f"({damaged} of {len(text)} characters): save it as UTF-8 to add it"
        )
    return text, best.encoding


def iter_sources(folder: Path) -> list[Path]:
    """Return the article files of a folder, sorted by name (hidden files and sources.toml skipped)."""
    if not folder.is_dir():
        raise BuildError(f"sources folder {folder} does not exist")
    return [Path(e.path) for e in _entries(folder) if _listed(e) and _is_article_name(Path(e.name))]


def skipped_sources(folder: Path) -> list[tuple[str, str]]:
    """Return the files of a sources folder that are not articles, each with why it was skipped
    (``report.pdf``: a PDF, not text…), sorted by name. Hidden files and sources.toml are not listed."""
    if not folder.is_dir():
        return []
    out = []
    for e in _entries(folder):
        p = Path(e.path)
        if not _listed(e) or _is_article_name(p):
            continue
        try:
            with p.open("rb") as f:
                head = f.read(16)
        except OSError as e:
            out.append((p.name, f"cannot be read ({e.strerror})"))
            continue
        kind = binary_kind(head) or f"a {p.suffix.lower()} file"
        out.append((p.name, f"{kind}, not an article (articles are .txt, .md or .text files)"))
    return out


def _entries(folder: Path) -> list[os.DirEntry]:
    # a folder's entries by name; DirEntry knows whether it is a file without a stat per file,
    # which on an archive of 20,000 articles is most of listing it
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _listed(e: os.DirEntry) -> bool:
    return e.is_file() and not e.name.startswith(".") and e.name != CATALOGUE


def _is_article_name(p: Path) -> bool:
    return p.suffix.lower() in SOURCE_SUFFIXES or not p.suffix


def load_catalogue(folder: Path) -> dict[str, ArticleMeta]:
    """Return the metadata ``sources.toml`` gives per file name (empty without one).

    Raises BuildError naming the file when it is not valid TOML: a typo there should stop the build
    with a clear message, not silently drop every title."""
    path = Path(folder) / CATALOGUE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise BuildError(f"{path}: {e}") from e
    out: dict[str, ArticleMeta] = {}
    for name, table in data.items():
        if isinstance(table, dict):
            out[name] = _meta({k: str(v) for k, v in table.items() if k in META_KEYS})
    return out


def split_front_matter(raw: str) -> tuple[str, dict[str, str]]:
    """Return the text with its front matter blanked (same length and lines) and the fields it held."""
    m = _FRONT_MATTER.match(raw)
    if not m:
        return raw, {}
    fields: dict[str, str] = {}
    for line in m.group("body").splitlines():
        lm = _META_LINE.match(line)
        if lm and lm.group("key").lower() in META_KEYS and lm.group("value"):
            fields[lm.group("key").lower()] = lm.group("value").strip().strip("\"'")
    blank = re.sub(r"[^\r\n]", " ", m.group(0))
    return blank + raw[m.end() :], fields


def read_article(path: Path, catalogue: dict[str, ArticleMeta] | None = None) -> Article:
    """Read one source: its text ready for extraction and its metadata (raises ValueError as read_source)."""
    raw, encoding = read_source_as(path)
    article = parse_article(path.name, raw, (catalogue or {}).get(path.name))
    return replace(article, encoding=encoding) if encoding != "utf-8" else article


def parse_article(file: str, raw: str, listed: ArticleMeta | None = None) -> Article:
    """Split an article's text from its front matter and merge the metadata (front matter wins)."""
    text, fields = split_front_matter(raw)
    base = listed.to_dict() if listed else {}
    base.update(fields)
    return Article(file, text, _meta(base))


# a saved page's date stamp before its first line ("date 2025-08-14 聯想（0992）公佈…"): it dates
# the article, and is neither its title nor a period its figures are stated for
DATE_STAMP = re.compile(r"\s*date\s\d{4}-\d\d-\d\d(?!\d)")


def headline_title(text: str, is_boilerplate) -> str | None:
    """Return the article's first line that reads like a headline and is not boilerplate; without
    one, the opening of its first sentence (clipped to ``MAX_TITLE`` characters)."""
    first: str | None = None
    for line in text.splitlines():
        stamp = DATE_STAMP.match(line)
        line = line[stamp.end() if stamp else 0 :].strip()
        if not line or sum(c.isalnum() for c in line) < 4 or is_boilerplate(fold(line)):
            continue
        if _BYLINE.search(line) or _CAPTION.fullmatch(line):  # 作者 | 某某, (相關資料圖)
            continue
        if len(line) <= MAX_TITLE and not _SENTENCE_END.search(line.rstrip("?？!！")):
            return line
        first = line  # the body has begun: a headline comes before it
        break
    if first is None:
        return None
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0].strip()
    return sentence if len(sentence) <= MAX_TITLE else sentence[: MAX_TITLE - 1].rstrip() + "…"


def front_matter(meta: ArticleMeta) -> str:
    """Return the front-matter block that records ``meta`` at the top of a saved article."""
    lines = ["---"]
    for key in META_KEYS:
        value = getattr(meta, key)
        if value:
            lines.append(f"{key}: {' '.join(str(value).split())}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _meta(fields: dict[str, str | None]) -> ArticleMeta:
    published = fields.get("published")
    if published:
        d = _DATE.match(published.strip())
        published = f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}" if d else None
    url = fields.get("url")
    if url and not re.match(r"^https?://", url):
        url = None  # only links a reader can open
    return ArticleMeta(
        title=(fields.get("title") or None),
        outlet=(fields.get("outlet") or None),
        url=url,
        published=published or None,
    )
