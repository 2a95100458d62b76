"""The scale benchmark: archives of 1k to 1M facts, built, measured and searched.

    factbot bench                          # about 1k, 10k, 100k and 1M facts
    factbot bench --quick                  # 1k and 10k only
    factbot bench --sizes 300 --json out.json

For each size it writes an archive under ``--workdir`` (default: a temporary folder): the real
articles (the seeds and ``../shared/eval/dev/articles``, read where they are) plus synthetic ones
generated from the seeds' own paragraphs — their sentence shapes, metrics and figures — about
*invented* companies, products and people (generated names in Simplified, Traditional and English
that the lexicon finds no real entity in), every figure swapped for another of the same shape, and
years, dates and quarters for others; one synthetic article in ten is a reprint of an earlier one.
It builds the store through the real builder (``store.build_store`` with worker processes), times
the reload after one more article arrives (incremental) against that full build, and prints build
time, MB of text per second, store size, the peak resident memory of a separate process that opens
the store and serves a fixed query mix, that process's lookup latency p50/p99, and a brute-force
baseline (rapidfuzz ``partial_ratio`` of the question against every fact, all facts in memory)
timed in the same run. At every size the shared and dev question sets are judged as ``score.py``
judges them (the top answer's quote holds every ``must_contain``; none wanted, no answer), next
to the real articles alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT_ROOT / "seeds"
SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
RANDOM_SEED = 20240425

# The fixed query mix: (kind, query). Kinds are reported so a reader sees what was asked.
QUERY_MIX: tuple[tuple[str, str], ...] = (
    ("english", "Microsoft capex"),
    ("english", "Nvidia revenue 2024"),
    ("english", "OpenAI loss 2022"),
    ("english", "Meta capital expenditure forecast"),
    ("simplified", "微软资本支出"),
    ("simplified", "商汤科技2022年营收"),
    ("simplified", "百度文心一言用户"),
    ("traditional", "微軟資本支出"),
    ("traditional", "輝達營收"),
    ("traditional", "谷歌雲收入增長"),
    ("typo", "Microsfot capex"),
    ("typo", "Nvidai revenue"),
    ("typo", "Gogle cloud revenue"),
    ("homophone", "腾迅营收"),
    ("homophone", "英为达收入"),
    ("unanswerable", "Tesla capex 1999"),
    ("unanswerable", "weather in Paris"),
    ("unanswerable", "best pizza recipe"),
)

# Targets of issue 10, items 1 and 4 (for the 1M-fact store).
TARGET_P99_MS = 25.0
TARGET_SPEEDUP = 50.0  # at p99
TARGET_BUILD_S = 240.0
TARGET_RSS_MB = 300.0
TARGET_RELOAD_PCT = 5.0  # reload after adding one article, as a share of the full build
TARGET_GROWTH_SLOPE = 0.5  # lookup ~ facts**slope; "clearly slower than the store"

# Per-size time budgets, so that the whole run stays under 10 minutes on 2 cores.
LOOKUP_BUDGET_S = 12.0
LOOKUP_PASSES = (3, 30)  # at least, at most
BASELINE_BUDGET_S = 40.0
BASELINE_FULL_UPTO = 100_000  # above this, the baseline is timed on a sample of the mix
BASELINE_SAMPLE = 6  # one query of each kind

COLUMNS = (
    "facts",
    "articles",
    "text_mb",
    "build_s",
    "build_mb_s",
    "store_mb",
    "open_s",
    "rss_mb",
    "p50_ms",
    "p99_ms",
    "brute_p50_ms",
    "brute_p99_ms",
    "brute_timed",
    "speedup_p50",
    "speedup_p99",
    "reload_s",
    "reload_pct",
    "shared_q",
    "dev_q",
)


# --- synthetic articles ---------------------------------------------------------------------

_DATE = r"(?:19|20)\d\d-[01]\d-[0-3]\d"
_MONTH_DAY = r"(?<!\d)1?\d月[1-3]?\d日"
_QUARTER = r"第[一二三四](?=財季|财季|季度|季)"
_YEAR = r"(?<!\d)(?:19|20)\d\d(?=年|財年|财年|-|至|到|\s?年)"
_NUMBER = r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?"
_SLOTS = re.compile(
    f"(?P<date>{_DATE})|(?P<md>{_MONTH_DAY})|(?P<quarter>{_QUARTER})|(?P<year>{_YEAR})|(?P<number>{_NUMBER})"
)
_LATIN = re.compile(r"[\x00-\x7f]+")
KEEP_PARAGRAPH = 0.85  # each seed paragraph is kept with this probability, so articles vary
REPRINT_EVERY = 10  # every tenth synthetic article is an earlier one's text again (syndication)
DEV_EVAL = SHARED_EVAL / "dev"


def real_articles() -> list[Path]:
    """The real articles mixed into every archive: the seeds and the dev set's articles, read where
    they are (evaluation data is never copied into the project)."""
    dev = sorted((DEV_EVAL / "articles").glob("*.txt")) if (DEV_EVAL / "articles").is_dir() else []
    return sorted(SEEDS.glob("*.txt")) + dev


@dataclass
class Shape:
    """One seed article as paragraph templates: literal text and slots to fill."""

    name: str
    traditional: bool
    paragraphs: list[list[str | tuple]]


@dataclass
class Generator:
    """Deterministic synthetic articles in the seeds' shapes (``Generator.from_seeds``)."""

    shapes: list[Shape]
    names: dict[str, list[list[str]]]  # entity kind -> per entity: [simplified forms, traditional, latin]
    _numbers: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @classmethod
    def from_seeds(cls, seeds: Path = SEEDS, lexicon=None) -> Generator:
        """Read the seed articles and the lexicon into templates (a fraction of a second)."""
        import opencc

        from store import Lexicon, clean_text, fold

        lexicon = lexicon or Lexicon.load()
        t2s = opencc.OpenCC("t2s").convert
        kinds = sorted({ent.kind for ent in lexicon.entities.values()} | set(_EXTRA_KINDS))
        names = invented_names(lexicon, kinds)
        shapes = []
        for path in sorted(seeds.glob("*.txt")):
            # cleaned first: a name with a pinyin annotation inside (O(shè)penAI) is found, and swapped
            raw = clean_text(path.read_text(encoding="utf-8"))
            key = fold(raw)  # same length as raw: offsets found in the key cut the raw text
            simplified = t2s(raw)
            traditional = sum(a != b for a, b in zip(raw, simplified, strict=False)) > len(raw) / 50
            paragraphs = []
            pos = 0
            for line in raw.split("\n"):
                start, end = pos, pos + len(line)
                pos = end + 1
                if not line.strip():
                    continue
                paragraphs.append(_template(raw, key, start, end, lexicon))
            shapes.append(Shape(path.name, traditional, paragraphs))
        return cls(shapes, names)

    def article(self, rng: random.Random) -> str:
        """Return one synthetic article: a seed's paragraphs with everything swapped."""
        shape = rng.choice(self.shapes)
        script = 1 if shape.traditional else 0
        chosen: dict[str, str] = {}
        out: list[str] = []
        for para in shape.paragraphs:
            if rng.random() > KEEP_PARAGRAPH:
                continue
            for part in para:
                if part.__class__ is str:
                    out.append(part)  # type: ignore[arg-type]
                    continue
                kind = part[0]
                if kind == "e":
                    name = chosen.get(part[1])
                    if name is None:
                        forms = rng.choice(self.names[part[2]])
                        latin = part[2] == "name" or rng.random() < 0.25  # a Latin name stays Latin
                        name = chosen[part[1]] = rng.choice(forms[2] if latin else forms[script])
                    out.append(name)
                elif kind == "number":
                    out.append(rng.choice(self._number_pool(part[1], part[2])))
                elif kind == "year":
                    out.append(str(rng.randint(2015, 2025)))
                elif kind == "quarter":
                    out.append("第" + rng.choice("一二三四"))
                elif kind == "md":
                    out.append(f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
                else:  # date
                    out.append(f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            out.append("\n")
        return "".join(out)

    def _number_pool(self, digits: int, decimals: int) -> list[str]:
        # a few hundred figures per shape, drawn once: filling a slot is then one choice()
        pool = self._numbers.get((digits, decimals))
        if pool is None:
            rng = random.Random(digits * 100 + decimals)
            lo = 10 ** (digits - 1) if digits > 1 else 1
            pool = []
            for _ in range(499):
                whole = str(rng.randint(lo, 10**digits - 1))
                pool.append(
                    whole + ("." + str(rng.randint(0, 10**decimals - 1)).zfill(decimals) if decimals else "")
                )
            self._numbers[(digits, decimals)] = pool
        return pool

    def write_archive(self, folder: Path, synthetic_facts: int, facts_per_article: float, seed: int) -> dict:
        """Write the real articles plus enough synthetic ones for about ``synthetic_facts`` more facts.

        One synthetic article in ``REPRINT_EVERY`` is a reprint: an earlier article's text
        under another file name, as syndicated news is."""
        started = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        nbytes = 0
        real = real_articles()
        for p in real:
            shutil.copyfile(p, folder / p.name)
            nbytes += p.stat().st_size
        count = max(1, math.ceil(synthetic_facts / facts_per_article)) if synthetic_facts > 0 else 0
        rng = random.Random(seed)
        recent: list[bytes] = []
        reprints = 0
        for i in range(count):
            if recent and i % REPRINT_EVERY == REPRINT_EVERY - 1:
                data = rng.choice(recent)
                reprints += 1
            else:
                data = self.article(rng).encode("utf-8")
                recent.append(data)
                if len(recent) > 200:
                    recent.pop(0)
            day = f"{rng.randint(2015, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            (folder / f"{day}_syn{i:07d}.txt").write_bytes(data)
            nbytes += len(data)
        return {
            "articles": count + len(real),
            "real_articles": len(real),
            "reprints": reprints,
            "bytes": nbytes,
            "seconds": time.perf_counter() - started,
        }

    def facts_per_article(self, lexicon, sample: int = 40) -> float:
        """Return the facts the extractor finds in an average synthetic article (from a sample)."""
        from store import extract_facts

        rng = random.Random(RANDOM_SEED + 1)
        total = sum(
            len(extract_facts(self.article(rng), f"sample{i}.txt", lexicon).facts) for i in range(sample)
        )
        return max(total / sample, 1.0)


# Invented names: syllables no real company of the lexicon is spelt with, checked against it.
_ZH_SYLLABLES = "澜岚栎琨璟瑾珩翊骁曜汐沐岑淇澈霁昀昱晗煦钧铭镕钛桉楠槿榕柘芮蓁苒芃滢渟珂琰玹璞"
_ZH_SUFFIX = {"company": ("科技", "智能", "数智", "半导体"), "org": ("研究院", "联盟")}
_LATIN_HEADS = (
    "Vel",
    "Quor",
    "Zan",
    "Tiv",
    "Orb",
    "Lum",
    "Kest",
    "Marv",
    "Dro",
    "Nex",
    "Pell",
    "Sor",
    "Yar",
    "Wend",
)
_LATIN_TAILS = ("ara", "ion", "ix", "on", "ela", "ent", "ora", "us", "eth", "ant")
_LATIN_SUFFIX = {
    "company": ("", " Labs", " Systems"),
    "org": (" Institute",),
    "chip": ("-X",),
    "model": ("-3",),
}
INVENTED_PER_KIND = 60
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*(?![A-Za-z0-9])")
_ZH_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,6}")
_REGION = re.compile(r"中国|中國|美国|美國")
_KEEP_LATIN = {"Semi"}  # words, not names
_EXTRA_KINDS = ("name", "zhname", "region")


def invented_names(lexicon, kinds: list[str], seed: int = RANDOM_SEED) -> dict[str, list[list[list[str]]]]:
    """Return, per entity kind, invented entities as [simplified forms, traditional forms, Latin forms].

    No name holds a real entity's alias (the lexicon finds none in it), so a synthetic fact can never
    rightly answer a question about a real company."""
    import opencc

    from store import fold

    s2t = opencc.OpenCC("s2t").convert
    rng = random.Random(seed)
    taken = {fold(a) for a, _ in lexicon.alias_pairs()}
    out: dict[str, list[list[list[str]]]] = {}
    for kind in kinds:
        entities: list[list[list[str]]] = []
        while len(entities) < INVENTED_PER_KIND:
            zh = "".join(rng.sample(_ZH_SYLLABLES, 2)) + rng.choice(_ZH_SUFFIX.get(kind, ("",)))
            latin = (
                rng.choice(_LATIN_HEADS)
                + rng.choice(_LATIN_TAILS)
                + rng.choice(_LATIN_SUFFIX.get(kind, ("",)))
            )
            if kind in ("person", "name", "zhname"):
                zh = "".join(rng.sample(_ZH_SYLLABLES, 3))
                latin = f"{rng.choice(_LATIN_HEADS)}{rng.choice(_LATIN_TAILS)} {rng.choice(_LATIN_HEADS)}e"
                if kind == "zhname":
                    zh = zh[:1] + "·" + zh[1:]
            elif kind == "region":
                zh = "".join(rng.sample(_ZH_SYLLABLES, 2)) + "国"
                latin = rng.choice(_LATIN_HEADS) + rng.choice(_LATIN_TAILS) + "ia"
            if fold(zh) in taken or fold(latin) in taken:
                continue
            if lexicon.find_mentions(fold(zh)) or lexicon.find_mentions(fold(latin)):
                continue
            taken.update((fold(zh), fold(latin)))
            entities.append([[zh], [s2t(zh)], [latin]])
        out[kind] = entities
    return out


def _template(raw: str, key: str, start: int, end: int, lexicon) -> list[str | tuple]:
    """Cut one paragraph into literal text, entity slots and number/period slots."""
    line_key = key[start:end]
    line = raw[start:end]
    spans: list[tuple[int, int, tuple]] = []
    for m in lexicon.find_mentions(line_key):
        kind = lexicon.entities[m.entity].kind
        spans.append((m.start, m.end, ("e", m.entity, kind)))
    covered = [(a, b) for a, b, _ in spans]
    # names the lexicon does not know are real too: Latin names (Baseten, Kari Briski), Chinese
    # transliterations (卡里·布里斯基) and the countries a statement is about (中国智能算力)
    for pattern, kind in ((_LATIN_NAME, "name"), (_ZH_NAME, "zhname"), (_REGION, "region")):
        for m in pattern.finditer(line):
            if any(a < m.end() and m.start() < b for a, b in covered) or m.group(0) in _KEEP_LATIN:
                continue
            spans.append((m.start(), m.end(), ("e", m.group(0), kind)))
            covered.append((m.start(), m.end()))
    for m in _SLOTS.finditer(line):
        if any(a < m.end() and m.start() < b for a, b in covered):
            continue
        kind = m.lastgroup or "number"
        if kind == "number":
            whole, _, frac = m.group(0).partition(".")
            spans.append((m.start(), m.end(), ("number", len(whole), len(frac))))
        else:
            spans.append((m.start(), m.end(), (kind,)))
    spans.sort()
    parts: list[str | tuple] = []
    pos = 0
    for a, b, slot in spans:
        if a > pos:
            parts.append(line[pos:a])
        parts.append(slot)
        pos = b
    if pos < len(line):
        parts.append(line[pos:])
    return parts


# --- measuring ------------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0-100) of ``samples``."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _status_kb(field_name: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _must_contain_check():
    """Return score.py's comparison (``fold``), so quality is judged exactly as the scorer does."""
    score_py = SHARED_EVAL / "score.py"
    if not score_py.exists():
        return None
    spec = importlib.util.spec_from_file_location("shared_eval_score", score_py)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fold


def _load_questions(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def probe(spec: dict) -> dict:
    """In a fresh process: open the store, time the query mix, ask the question set, report RSS."""
    from store import QueryError, open_store

    rss_start = _status_kb("VmRSS")
    t0 = time.perf_counter()
    store = open_store(spec["db"])
    open_s = time.perf_counter() - t0
    queries = spec["queries"]

    def ask(q: str) -> None:
        try:
            store.search(q, limit=3)
        except QueryError:
            pass

    for q in queries:  # warm-up: the first pass pays for caches (pinyin, page cache)
        ask(q)
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    passes = 0
    started = time.perf_counter()
    lo, hi = spec["passes"]
    while passes < lo or (passes < hi and time.perf_counter() - started < spec["budget"]):
        for q in queries:
            t = time.perf_counter()
            ask(q)
            per_query[q].append((time.perf_counter() - t) * 1000)
        passes += 1
    quality = None
    fold = _must_contain_check() if spec.get("questions") else None
    if fold:
        quality = {}
        for set_name, items in spec["questions"].items():
            passed, misses = 0, []
            for item in items:
                try:
                    answers = store.search(item["query"], limit=1).answers
                except QueryError:
                    answers = []
                # exactly as score.py judges `factbot ask`: the top answer's quote holds every
                # must_contain; an empty must_contain wants no answer at all
                if item["must_contain"]:
                    ok = bool(answers) and all(
                        fold(m) in fold(answers[0].quote) for m in item["must_contain"]
                    )
                else:
                    ok = not answers
                passed += ok
                if not ok:
                    misses.append(item.get("id", item["query"]))
            quality[set_name] = {"passed": passed, "total": len(items), "misses": misses}
    return {
        "open_s": open_s,
        "passes": passes,
        "per_query_ms": per_query,
        "rss_start_kb": rss_start,
        "rss_kb": _status_kb("VmRSS"),
        "rss_peak_kb": _status_kb("VmHWM"),
        "quality": quality,
    }


def run_probe(db: Path, queries: list[str], questions: dict[str, list[dict]], budget: float) -> dict:
    """Run ``probe`` in a separate Python process, so its RSS is the serving process's alone."""
    spec = {
        "db": str(db),
        "queries": queries,
        "questions": questions,
        "budget": budget,
        "passes": LOOKUP_PASSES,
    }
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--probe"],
        input=json.dumps(spec, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"probe process failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def brute_force(db: Path, queries: list[str], budget: float) -> dict:
    """Time rapidfuzz partial_ratio of each query against every fact's match key (all in memory)."""
    from rapidfuzz import fuzz, process

    from store import fold, normalise_query

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    t0 = time.perf_counter()
    keys = [r[0] for r in con.execute("select key from facts")]
    load_s = time.perf_counter() - t0
    con.close()
    samples = []
    started = time.perf_counter()
    for q in queries:
        if samples and time.perf_counter() - started > budget:
            break
        qk = fold(normalise_query(q))
        t = time.perf_counter()
        process.extract(qk, keys, scorer=fuzz.partial_ratio, limit=5)
        samples.append((time.perf_counter() - t) * 1000)
    del keys
    return {"samples_ms": samples, "load_s": load_s}


# --- the run ------------------------------------------------------------------------------------


def _sample_mix(n: int | None) -> list[tuple[str, str]]:
    if n is None or n >= len(QUERY_MIX):
        return list(QUERY_MIX)
    step = len(QUERY_MIX) / max(n, 1)
    return [QUERY_MIX[int(i * step)] for i in range(n)]


def _one_per_kind(mix: list[tuple[str, str]]) -> list[str]:
    seen: dict[str, str] = {}
    for kind, q in mix:
        seen.setdefault(kind, q)
    return list(seen.values())[:BASELINE_SAMPLE]


def measure_size(
    gen: Generator,
    target: int,
    workdir: Path,
    *,
    facts_per_article: float,
    seed_facts: int,
    mix: list[tuple[str, str]],
    questions: dict[str, list[dict]],
    workers: int,
    keep: bool,
    log,
) -> dict:
    """Generate, build and measure one archive of about ``target`` facts; return its row."""
    from store import build_store

    archive = workdir / f"archive-{target}"
    db = workdir / f"store-{target}.db"
    shutil.rmtree(archive, ignore_errors=True)
    # seeds count towards the target: the synthetic part is what is missing
    gen_stats = gen.write_archive(archive, target - seed_facts, facts_per_article, RANDOM_SEED)
    log(f"  {target:>9,}: generated {gen_stats['articles']:,} articles, {gen_stats['bytes'] / 1e6:.1f} MB "
        f"in {gen_stats['seconds']:.1f}s; building…")  # fmt: skip
    report = build_store(archive, db, workers=workers)
    # a reload after one more article arrives: incremental, into a new file as the bot does it
    (archive / "29991231_added.txt").write_text(gen.article(random.Random(RANDOM_SEED - 1)), encoding="utf-8")
    reloaded_db = workdir / f"store-{target}.reloaded.db"
    reload = build_store(archive, reloaded_db, previous=db, workers=workers)
    assert reload.incremental and reload.extracted == 1, "the reload re-extracted more than the new article"
    reloaded_db.unlink()
    if not keep:
        shutil.rmtree(archive, ignore_errors=True)
    queries = [q for _, q in mix]
    log(f"  {target:>9,}: built {report.facts:,} facts in {report.seconds:.1f}s; serving the query mix…")
    served = run_probe(db, queries, questions, LOOKUP_BUDGET_S)
    ours = [ms for samples in served["per_query_ms"].values() for ms in samples]
    baseline_queries = queries if report.facts <= BASELINE_FULL_UPTO else _one_per_kind(mix)
    log(f"  {target:>9,}: brute force over {report.facts:,} facts ({len(baseline_queries)} queries)…")
    brute = brute_force(db, baseline_queries, BASELINE_BUDGET_S)
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    b50, b99 = percentile(brute["samples_ms"], 50), percentile(brute["samples_ms"], 99)
    mb = gen_stats["bytes"] / 1e6
    row = {
        "target": target,
        "facts": report.facts,
        "articles": report.articles,
        "text_mb": mb,
        "build_s": report.seconds,
        "build_mb_s": mb / report.seconds,
        "store_mb": db.stat().st_size / 1e6,
        "open_s": served["open_s"],
        "rss_mb": served["rss_peak_kb"] / 1024,
        "p50_ms": p50,
        "p99_ms": p99,
        "brute_p50_ms": b50,
        "brute_p99_ms": b99,
        "brute_timed": f"{len(brute['samples_ms'])}/{len(queries)}",
        "speedup_p50": b50 / p50 if p50 > 0 else float("inf"),
        "speedup_p99": b99 / p99 if p99 > 0 else float("inf"),
        "reload_s": reload.seconds,
        "reload_pct": 100 * reload.seconds / report.seconds,
        "shared_q": _ratio(served["quality"], "shared"),
        "dev_q": _ratio(served["quality"], "dev"),
        "detail": {
            "generate_s": gen_stats["seconds"],
            "lookup_passes": served["passes"],
            "lookup_samples": len(ours),
            "per_query_p50_ms": {q: percentile(s, 50) for q, s in served["per_query_ms"].items()},
            "per_query_max_ms": {q: max(s) for q, s in served["per_query_ms"].items() if s},
            "rss_after_open_mb": served["rss_start_kb"] / 1024,
            "rss_now_mb": served["rss_kb"] / 1024,
            "brute_load_s": brute["load_s"],
            "brute_samples_ms": brute["samples_ms"],
            "quality_misses": {k: v["misses"] for k, v in (served["quality"] or {}).items()},
            "reload_extracted": reload.extracted,
            "reprints": gen_stats.get("reprints", 0),
            "build_errors": len(report.errors),
        },
    }
    if not keep:
        db.unlink(missing_ok=True)
    return row


def _ratio(quality: dict | None, key: str) -> str:
    return f"{quality[key]['passed']}/{quality[key]['total']}" if quality and key in quality else "n/a"


def growth(rows: list[dict]) -> list[dict]:
    """Return, between successive sizes, how facts, store size and lookup time multiplied."""
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        facts_x = b["facts"] / a["facts"]

        def slope(key: str, a=a, b=b, facts_x=facts_x) -> float:
            return (
                math.log(b[key] / a[key]) / math.log(facts_x) if a[key] > 0 and b[key] > 0 else float("nan")
            )

        out.append(
            {
                "from": a["facts"],
                "to": b["facts"],
                "facts_x": facts_x,
                "store_x": b["store_mb"] / a["store_mb"],
                "p50_x": b["p50_ms"] / a["p50_ms"],
                "p99_x": b["p99_ms"] / a["p99_ms"],
                "brute_p50_x": b["brute_p50_ms"] / a["brute_p50_ms"],
                "p50_slope": slope("p50_ms"),
                "p99_slope": slope("p99_ms"),
            }
        )
    return out


def overall_slope(rows: list[dict], key: str) -> float:
    """Return the least-squares slope of log(key) against log(facts): lookup ~ facts**slope."""
    pts = [(math.log(r["facts"]), math.log(r[key])) for r in rows if r[key] > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else float("nan")


def _passed(ratio: str) -> int:
    return int(ratio.split("/")[0]) if "/" in ratio else -1


def targets(rows: list[dict], real: dict[str, str], slope: float) -> list[dict]:
    """Return issue 10's targets (and issue 4's growth) judged on the largest size measured."""
    r = rows[-1]
    out = [
        {
            "target": f"{name} questions strict, within one of the real articles alone",
            "value": f"{r[col]} vs {real.get(name, 'n/a')}",
            "met": _passed(r[col]) >= 0 and _passed(r[col]) >= _passed(real.get(name, "")) - 1,
        }
        for name, col in (("shared", "shared_q"), ("dev", "dev_q"))
        if name in real
    ]
    return out + [
        {"target": f"lookup p99 <= {TARGET_P99_MS:g} ms", "value": f"{r['p99_ms']:.1f} ms",
         "met": r["p99_ms"] <= TARGET_P99_MS},
        {"target": f">= {TARGET_SPEEDUP:g}x faster than brute force at p99",
         "value": f"{r['speedup_p99']:.0f}x (p50 {r['speedup_p50']:.0f}x)",
         "met": r["speedup_p99"] >= TARGET_SPEEDUP},
        {"target": f"lookup grows clearly slower than the store (slope <= {TARGET_GROWTH_SLOPE})",
         "value": f"p50 ~ facts^{slope:.2f}", "met": slope <= TARGET_GROWTH_SLOPE},
        {"target": f"full build <= {TARGET_BUILD_S:g} s", "value": f"{r['build_s']:.0f} s",
         "met": r["build_s"] <= TARGET_BUILD_S},
        {"target": f"reload after adding one article <= {TARGET_RELOAD_PCT:g}% of the full build",
         "value": f"{r['reload_s']:.1f} s = {r['reload_pct']:.1f}%", "met": r["reload_pct"] <= TARGET_RELOAD_PCT},
        {"target": f"serving RSS <= {TARGET_RSS_MB:g} MB", "value": f"{r['rss_mb']:.0f} MB",
         "met": r["rss_mb"] <= TARGET_RSS_MB},
    ]  # fmt: skip


def _fmt(v, col: str) -> str:
    if isinstance(v, str):
        return v
    if col in ("facts", "articles"):
        return f"{v:,}"
    if col.startswith("speedup"):
        return f"{v:,.0f}x"
    if isinstance(v, float) and v < 10:
        return f"{v:.2f}"
    return f"{v:,.1f}" if isinstance(v, float) else str(v)


HEADERS = {
    "facts": "facts", "articles": "articles", "text_mb": "text MB", "build_s": "build s",
    "build_mb_s": "MB/s", "store_mb": "store MB", "open_s": "open s", "rss_mb": "RSS MB",
    "p50_ms": "p50 ms", "p99_ms": "p99 ms", "brute_p50_ms": "brute p50", "brute_p99_ms": "brute p99",
    "brute_timed": "brute n", "speedup_p50": "x p50", "speedup_p99": "x p99", "reload_s": "reload s", "reload_pct": "reload %", "shared_q": "shared", "dev_q": "dev",
}  # fmt: skip


def print_report(result: dict, console) -> None:
    """Print the figures, the growth between sizes and the targets as tables."""
    from rich.table import Table

    t = Table(title="factbot scale benchmark", title_justify="left")
    for col in COLUMNS:
        t.add_column(HEADERS[col], justify="right")
    for r in result["sizes"]:
        t.add_row(*(_fmt(r[c], c) for c in COLUMNS))
    console.print(t)
    console.print(
        f"shared / dev: the question sets ({result['questions_file']}) judged as score.py does, on the top "
        f"answer; the real articles alone (seeds and dev articles): {result['real_quality']}. Synthetic "
        "articles are about invented companies, so they never rightly answer a question about a real one.\n"
        "reload: the incremental build after one more article arrives, and its share of the full build.\n"
        f"brute n: queries timed by the baseline (one per kind above {BASELINE_FULL_UPTO:,} facts). "
        "RSS: peak resident memory of the separate serving process. x: brute-force time / ours."
    )
    if result["growth"]:
        g = Table(title="how cost grows with the archive", title_justify="left")
        for h in ("from → to facts", "facts ×", "store ×", "p50 ×", "p99 ×", "brute p50 ×", "p50 ~ facts^k"):
            g.add_column(h, justify="right")
        for row in result["growth"]:
            g.add_row(
                f"{row['from']:,} → {row['to']:,}", f"{row['facts_x']:.1f}", f"{row['store_x']:.1f}",
                f"{row['p50_x']:.2f}", f"{row['p99_x']:.2f}", f"{row['brute_p50_x']:.1f}", f"{row['p50_slope']:.2f}",
            )  # fmt: skip
        console.print(g)
        console.print(
            f"lookup p50 grows as facts^{result['p50_slope']:.2f} and p99 as facts^{result['p99_slope']:.2f} "
            f"over the whole range (1.00 would be as fast as the store; brute force is ~1.00)."
        )
    k = Table(
        title=f"targets (issue 10), judged at {result['sizes'][-1]['facts']:,} facts", title_justify="left"
    )
    for h in ("target", "measured", ""):
        k.add_column(h)
    for row in result["targets"]:
        k.add_row(row["target"], row["value"], "[green]met[/green]" if row["met"] else "[red]MISSED[/red]")
    console.print(k)
    console.print(f"whole run: {result['total_s']:.0f} s on {result['machine']['cpus']} cores")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="factbot bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", help="comma-separated fact counts (default 1000,10000,100000,1000000)")
    p.add_argument("--quick", action="store_true", help="1k and 10k facts only")
    p.add_argument("--json", dest="json_path", help="also write the figures to this JSON file")
    p.add_argument("--workdir", help="where archives and stores go (default: a temporary folder)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction processes")
    p.add_argument("--queries", type=int, help="use only this many queries of the mix (for smoke tests)")
    p.add_argument("--questions", default=str(SHARED_EVAL / "questions.jsonl"), help="question set (JSONL)")
    p.add_argument(
        "--dev-questions",
        default=str(DEV_EVAL / "questions.jsonl"),
        help="second question set (JSONL), 'dev'",
    )
    p.add_argument("--keep", action="store_true", help="keep the generated archives and stores")
    p.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the scale benchmark; print the tables and optionally write JSON. Returns 0."""
    args = parse_args(argv)
    if args.probe:
        print(json.dumps(probe(json.loads(sys.stdin.read()))))
        return 0
    from rich.console import Console

    from store import Lexicon, build_store

    console = Console(width=max(shutil.get_terminal_size().columns, 190))
    started = time.perf_counter()
    if args.sizes:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    mix = _sample_mix(args.queries)
    questions: dict[str, list[dict]] = {}
    if _must_contain_check():
        for name, path in (("shared", args.questions), ("dev", args.dev_questions)):
            if path and Path(path).exists():
                questions[name] = _load_questions(Path(path))
    own_workdir = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="factbot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        console.print(f"[dim]{time.perf_counter() - started:6.1f}s[/dim] {message}", highlight=False)

    try:
        lexicon = Lexicon.load()
        gen = Generator.from_seeds(SEEDS, lexicon)
        per_article = gen.facts_per_article(lexicon)
        real_dir = workdir / "real"
        shutil.rmtree(real_dir, ignore_errors=True)
        real_dir.mkdir()
        for p in real_articles():
            shutil.copyfile(p, real_dir / p.name)
        real_db = workdir / "store-real.db"
        real_report = build_store(real_dir, real_db, lexicon=lexicon, workers=args.workers)
        real_probe = run_probe(real_db, [q for _, q in mix], questions, 1.0)
        real_quality = {k: f"{v['passed']}/{v['total']}" for k, v in (real_probe["quality"] or {}).items()}
        real_db.unlink()
        shutil.rmtree(real_dir, ignore_errors=True)
        log(f"real articles alone: {real_report.articles} articles, {real_report.facts} facts, questions "
            f"{real_quality}; synthetic articles carry {per_article:.1f} facts each")  # fmt: skip
        rows = []
        for target in sizes:
            rows.append(
                measure_size(
                    gen,
                    target,
                    workdir,
                    facts_per_article=per_article,
                    seed_facts=real_report.facts,
                    mix=mix,
                    questions=questions,
                    workers=args.workers,
                    keep=args.keep,
                    log=log,
                )
            )
    finally:
        if own_workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    p50_slope = overall_slope(rows, "p50_ms")
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "columns": list(COLUMNS),
        "queries": [{"kind": k, "query": q} for k, q in mix],
        "questions_file": ", ".join(f"{k}: {len(v)}" for k, v in questions.items()) or "not found",
        "real_quality": real_quality,
        "sizes": rows,
        "growth": growth(rows),
        "p50_slope": p50_slope,
        "p99_slope": overall_slope(rows, "p99_ms"),
        "targets": targets(rows, real_quality, p50_slope),
        "total_s": time.perf_counter() - started,
    }
    print_report(result, console)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
