"""Synthetic but valid projects of any size, for the scale benchmark (bench/scale.py).

    .venv/bin/python bench/synthetic.py 300 bench/results/scale-300   # 300 districts × 60 records

Each synthetic district is modelled on one of the real districts in turn: its
records are real records (Chinese quotes, topics, tags, lead units, metric
keys), a different selection for each district, and a quote holding one
figure gets that figure scaled (6000P → 7200P) so that charts do not repeat.
Its archived source text is made of its quotes, one numbered task per line,
so every quote is in its source and every figure agrees with its quote: the
validator accepts the project as it accepts the real one. topics.yaml,
templates, content and assets are copied from the real project.

Districts are grouped ten to a city (cities.yaml), as Guangzhou has eleven
districts: comparison pages then compare the districts of one city. Three
districts or fewer make one group without a city, like the real site.
"""

import random
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.builder import check_data  # noqa: E402
from pipeline.chinese_numbers import matching_figure  # noqa: E402
from pipeline.models import District, Record  # noqa: E402
from pipeline.paths import ProjectPaths  # noqa: E402

DISTRICTS_PER_CITY = 10
FIRST = [
    ("东", "Dong"),
    ("西", "Xi"),
    ("南", "Nan"),
    ("北", "Bei"),
    ("中", "Zhong"),
    ("新", "Xin"),
    ("长", "Chang"),
    ("永", "Yong"),
    ("安", "An"),
    ("平", "Ping"),
    ("青", "Qing"),
    ("金", "Jin"),
    ("白", "Bai"),
    ("黄", "Huang"),
    ("龙", "Long"),
    ("凤", "Feng"),
    ("云", "Yun"),
    ("华", "Hua"),
    ("广", "Guang"),
    ("兴", "Xing"),
    ("宁", "Ning"),
    ("太", "Tai"),
    ("高", "Gao"),
    ("丰", "Feng"),
    ("河", "He"),
    ("江", "Jiang"),
    ("山", "Shan"),
    ("海", "Hai"),
    ("湖", "Hu"),
    ("石", "Shi"),
    ("桂", "Gui"),
    ("阳", "Yang"),
    ("林", "Lin"),
    ("泉", "Quan"),
    ("德", "De"),
    ("富", "Fu"),
    ("嘉", "Jia"),
    ("清", "Qing"),
    ("瑞", "Rui"),
    ("福", "Fu"),
]
SECOND = [
    ("城", "cheng"),
    ("山", "shan"),
    ("川", "chuan"),
    ("州", "zhou"),
    ("阳", "yang"),
    ("江", "jiang"),
    ("湖", "hu"),
    ("林", "lin"),
    ("源", "yuan"),
    ("台", "tai"),
    ("坪", "ping"),
    ("沙", "sha"),
    ("田", "tian"),
    ("塘", "tang"),
    ("桥", "qiao"),
    ("湾", "wan"),
    ("港", "gang"),
    ("岗", "gang"),
    ("岭", "ling"),
    ("溪", "xi"),
    ("口", "kou"),
    ("门", "men"),
    ("庄", "zhuang"),
    ("宁", "ning"),
    ("安", "an"),
    ("丰", "feng"),
    ("昌", "chang"),
    ("华", "hua"),
    ("兴", "xing"),
    ("和", "he"),
    ("乐", "le"),
    ("明", "ming"),
    ("泰", "tai"),
    ("康", "kang"),
    ("顺", "shun"),
    ("德", "de"),
    ("秀", "xiu"),
    ("云", "yun"),
    ("峰", "feng"),
    ("河", "he"),
]
SUFFIX = [("区", "District"), ("县", "County"), ("市", "City")]
FACTORS = [Decimal("0.8"), Decimal("0.9"), Decimal("1.1"), Decimal("1.2"), Decimal("1.5")]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def district_name(i: int) -> tuple[str, str]:
    """A unique two-character place name with its pinyin: 东城区 Dongcheng District."""
    (a_zh, a_en), (b_zh, b_en) = FIRST[i % len(FIRST)], SECOND[(i // len(FIRST)) % len(SECOND)]
    suffix_zh, suffix_en = SUFFIX[i // (len(FIRST) * len(SECOND)) % len(SUFFIX)]
    return f"{a_zh}{b_zh}{suffix_zh}", f"{a_en}{b_en} {suffix_en}"


def city_name(i: int) -> tuple[str, str]:
    """A city name drawn from the same syllables, in another order: 城东市 Chengdong."""
    (a_zh, a_en), (b_zh, b_en) = SECOND[i % len(SECOND)], FIRST[(i // len(SECOND)) % len(FIRST)]
    return f"{a_zh}{b_zh}市", f"{a_en.capitalize()}{b_en.lower()}"


def pick_records(template: District, count: int, offset: int) -> list[Record]:
    """Every record with a metric key (so cities have charts and results beside targets), then a rotating
    window of the rest."""
    compared = [r for r in template.records if r.metric]
    rest = [r for r in template.records if r not in compared]
    window = [rest[(offset + k) % len(rest)] for k in range(max(0, count - len(compared)))]
    chosen = set(map(id, compared + window))
    return [r for r in template.records if id(r) in chosen][:count]


def varied_figure(record: Record, rng: random.Random) -> tuple[str, float, str] | None:
    """The record's quote, value and English summary with its one Arabic figure scaled, or None to keep them."""
    if not record.has_figure or record.bound == "range":
        return None
    figure = matching_figure(record.quote, record.value, record.unit, record.bound)
    digits = NUMBER.search(figure.text) if figure else None
    if digits is None:
        return None  # 七成, 两大: written in Chinese numerals
    old = Decimal(digits.group(0))
    places = Decimal(1).scaleb(-len(digits.group(0).partition(".")[2]))
    new = (old * rng.choice(FACTORS)).quantize(places)
    if new <= 0:
        return None
    new_text = figure.text[: digits.start()] + str(new) + figure.text[digits.end() :]
    quote = record.quote.replace(figure.text, new_text, 1)
    value = float(Decimal(repr(record.value)) / old * new)
    # The summary says the same figure where it writes the same digits (5.5% → 6.6%; not 8,000).
    summary = re.sub(rf"(?<![\d.,]){re.escape(digits.group(0))}(?![\d.,])", str(new), record.summary_en)
    return (quote, value, summary) if matching_figure(quote, value, record.unit, record.bound) else None


def district_file(
    district_id: str,
    index: int,
    template: District,
    records: list[Record],
    source_id: str,
    city: str | None,
    rng: random.Random,
) -> tuple[dict, list[str]]:
    """One district's YAML data and the quotes of its source text, in order."""
    name_zh, name_en = district_name(index)
    sharing = {}
    for record in records:
        sharing[record.quote] = sharing.get(record.quote, 0) + 1
    rows, quotes = [], []
    for record in records:
        row = record.model_dump(exclude_defaults=True)
        row["id"] = district_id + record.id.removeprefix(template.id)
        if record.former_ids:  # each district's own, as ids are
            row["former_ids"] = [district_id + old.removeprefix(template.id) for old in record.former_ids]
        row["source"] = source_id
        if record.metric and record.metric.startswith(template.id + "-"):
            row["metric"] = district_id + record.metric.removeprefix(template.id)
        varied = varied_figure(record, rng) if sharing[record.quote] == 1 else None
        if varied:
            row["quote"], row["value"], row["summary_en"] = varied
        for key in ("tags", "lead_units"):
            if key in row:
                row[key] = list(row[key])
        rows.append(row)
        if row["quote"] not in quotes:
            quotes.append(row["quote"])
    data = {"id": district_id, "name_zh": name_zh, "name_en": name_en, "order": index + 1}
    if city:
        data["city"] = city
    if template.lead_units_en:  # its records keep the template's lead units
        data["lead_units_en"] = dict(template.lead_units_en)
    data["records"] = rows
    return data, quotes


def source_entry(source_id: str, district_id: str, name_zh: str, name_en: str, kind: str) -> dict:
    return {
        "id": source_id,
        "district": district_id,
        "kind": kind,
        "title_zh": f"{name_zh}2025年重点工作",
        "title_en": f"{name_en}: key tasks for 2025",
        "issuer_zh": f"{name_zh}人民政府",
        "issuer_en": f"{name_en} People's Government",
        "date": "2025-03-01",
        "period_zh": "2025年目标",
        "period_en": "Targets for 2025",
        "archive": f"{source_id}.txt",
        "url": None,
    }


def dump(path: Path, data, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(f"# yaml-language-server: $schema={schema}\n{text}", encoding="utf-8")


def copy_site_files(root: Path, source: Path = ROOT) -> None:
    """The templates, content and assets of the real project (or of another checkout, `source`) into root,
    replacing any older copy."""
    for folder in ("templates", "content", "assets"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(source / folder, root / folder)


def used_metrics(districts: Path) -> list[dict]:
    """The real definitions (data/metrics.yaml) of the metrics the written districts' figures have, and the
    withdrawn ones: the validator refuses a definition no record uses."""
    used = {
        record["metric"]
        for path in districts.glob("*.yaml")
        for record in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["records"]
        if record.get("metric") and record.get("value") is not None
    }
    real = yaml.load((ROOT / "data/metrics.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return [entry for entry in real if entry["id"] in used or entry.get("withdrawn_zh")]


def write_project(root: Path, districts: int, records: int = 60, seed: int = 0) -> Path:
    """A complete project of `districts` × `records` under root (replaced if it exists); returns root."""
    rng = random.Random(seed)
    real = check_data(ProjectPaths(ROOT))
    shutil.rmtree(root, ignore_errors=True)
    copy_site_files(root)
    data = root / "data"
    (data / "sources").mkdir(parents=True)
    # The real topics without their highlights, which name real records that a synthetic project renames.
    topics = yaml.load((ROOT / "data/topics.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    dump(
        data / "topics.yaml",
        [{k: v for k, v in t.items() if k != "highlights"} for t in topics],
        "schema/topics.schema.json",
    )
    kinds = {s.district: s.kind for s in real.sources}
    grouped = districts > 3
    sources, cities = [], []
    for i in range(districts):
        district_id = f"d{i + 1:04d}"
        template = real.districts[i % len(real.districts)]
        source_id = f"{district_id}-2025-tasks"
        city = f"c{i // DISTRICTS_PER_CITY + 1:03d}" if grouped else None
        if city and i % DISTRICTS_PER_CITY == 0:
            name_zh, name_en = city_name(i // DISTRICTS_PER_CITY)
            cities.append({"id": city, "name_zh": name_zh, "name_en": name_en})
        chosen = pick_records(template, records, offset=i * 7)
        district, quotes = district_file(district_id, i, template, chosen, source_id, city, rng)
        dump(data / "districts" / f"{district_id}.yaml", district, "../schema/district.schema.json")
        text = f"{district['name_zh']}2025年重点工作\n\n" + "".join(f"{n}\t{q}\n" for n, q in enumerate(quotes, 1))
        (data / "sources" / f"{source_id}.txt").write_text(text, encoding="utf-8")
        sources.append(
            source_entry(source_id, district_id, district["name_zh"], district["name_en"], kinds[template.id])
        )
    dump(data / "sources.yaml", sources, "schema/sources.schema.json")
    dump(data / "metrics.yaml", used_metrics(data / "districts"), "schema/metrics.schema.json")
    if cities:
        dump(data / "cities.yaml", cities, "schema/cities.schema.json")
    return root


if __name__ == "__main__":
    count, folder = int(sys.argv[1]), Path(sys.argv[2])
    per_district = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    write_project(folder, count, per_district)
    print(f"wrote {count} districts × {per_district} records to {folder}")
