"""Stage 1: read the YAML files, remembering where every value was written.

PyYAML's own loader silently keeps the last of two duplicate keys and reads
`no` as false, `2025-07-11` as a date and `010` as 8. Editors lose data that
way, so we compose the node tree ourselves and refuse those forms, reporting
each with its line and column.
"""

import functools
import re
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError
from .parallel import results
from .safe_files import RefusedFile, read_editor_file

Path_ = tuple[str | int, ...]

PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
PLAIN_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
# What a figure can be: the largest written is 500000000000 (12 digits), the finest 0.12. Beyond these a
# float is no longer exact, and 5,000 digits would stop int() itself.
MAX_WHOLE_DIGITS = 15
MAX_DECIMALS = 6
# Characters no editor means to write, each refused where a value holds it: C0 and C1 controls other
# than tab and line ends (an escape in double quotes writes them; XML refuses most), bidirectional
# overrides and isolates (they make a figure read backwards), and lone surrogates (no UTF-8 holds one).
UNSAFE_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
TRUE_FALSE = {"true": True, "false": False}

# From this many district files on, they are parsed by one process per CPU, this many at a time.
PARALLEL_LOAD_FROM = 200
FILES_PER_TASK = 50

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass
class LoadedFile:
    """The plain data of one YAML file and the position of each value and key in it.

    Positions are found when a message first needs one, by parsing the text again:
    most builds need none, and those of a large site would take a gigabyte of memory.
    The text is kept until then compressed (130 MB as text on a site of 3,000 districts).
    """

    file: str
    data: Any = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    packed_text: bytes | None = field(default=None, repr=False)  # while positions are still to be found

    def keep_text(self, text: str) -> None:
        """Keep the file's text, compressed, for positions a message may need later."""
        self.packed_text = zlib.compress(text.encode("utf-8"), 1)

    def position(self, path: Path_, *, of_key: bool = False) -> tuple[int, int]:
        """Line and column for a path, falling back to its nearest written ancestor."""
        if self.packed_text is not None:
            located = LoadedFile(self.file)
            text = zlib.decompress(self.packed_text).decode("utf-8")
            _Composer(located, with_positions=True).value(compose(text), ())
            self.positions, self.key_positions, self.packed_text = located.positions, located.key_positions, None
        table = self.key_positions if of_key else self.positions
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in table:
                return table[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        return (1, 1)


NOT_UTF8_HINT = "save it as UTF-8 (in VS Code: Save with Encoding → UTF-8)"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def dotted(path: Path_) -> str:
    """records[3].value — the way a field is named in error messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Composer:
    def __init__(self, loaded: LoadedFile, with_positions: bool = False):
        self.loaded = loaded
        self.with_positions = with_positions

    def error(self, node: yaml.Node, path: Path_, message: str, hint: str = "") -> None:
        line, column = _mark(node)
        self.loaded.errors.append(DataError(self.loaded.file, line, column, dotted(path), message, hint))

    def value(self, node: yaml.Node, path: Path_) -> Any:
        if self.with_positions:
            self.loaded.positions[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}  # its line is read only for a duplicate
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == MERGE_TAG:
                self.error(
                    key_node,
                    path,
                    "a merge key (<<) is not used in these files",
                    "write each field out in the record itself",
                )
                continue
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag != STR_TAG
                or UNSAFE_CHARACTER.search(key_node.value)
            ):
                self.error(key_node, path, "a key must be a plain name", "write the field name as text")
                continue
            key = key_node.value
            if key in first_seen:
                self.error(
                    key_node,
                    path + (key,),
                    f"duplicate key (first written on line {_mark(first_seen[key])[0]})",
                    "keep one of the two: YAML would silently drop the first",
                )
                continue
            first_seen[key] = key_node
            if self.with_positions:
                self.loaded.key_positions[path + (key,)] = _mark(key_node)
            result[key] = self.value(value_node, path + (key,))
        return result

    def bounded(self, node: yaml.ScalarNode, path: Path_, text: str, kind: type) -> Any:
        """The number, if it is one a figure can be; else an error, and the text."""
        whole, _, decimals = text.lstrip("-").partition(".")
        if len(whole) <= MAX_WHOLE_DIGITS and len(decimals) <= MAX_DECIMALS:
            return kind(text)
        self.error(
            node,
            path,
            f"a number of {len(whole)} digits and {len(decimals)} decimals, beyond what a figure can be",
            f"write at most {MAX_WHOLE_DIGITS} digits and {MAX_DECIMALS} decimals, or put text in quotes",
        )
        return text

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        # Interned: a value written in record after record (a topic, a unit, a source id) is then one
        # object, which the models keep as it is and a worker's results carry back once.
        text = sys.intern(node.value)
        unsafe = UNSAFE_CHARACTER.search(text)
        if unsafe:
            self.error(
                node,
                path,
                f"a character no text needs here (U+{ord(unsafe[0]):04X})",
                "delete it: an invisible control or direction mark, or an escape such as \\u202e, writes it",
            )
            return UNSAFE_CHARACTER.sub("\ufffd", text)  # clean even where the error goes unread (the history)
        # A plain scalar's style is None from PyYAML's parser and '' from libyaml's.
        if node.style or node.tag == STR_TAG:
            return text  # quoted or block text is always a string
        if node.tag == NULL_TAG:
            return None
        if node.tag == BOOL_TAG:
            if text in TRUE_FALSE:
                return TRUE_FALSE[text]
            self.error(
                node, path, f"'{text}' would be read as a yes/no value", "write true or false, or put text in quotes"
            )
            return text
        if node.tag == INT_TAG:
            if PLAIN_INT.fullmatch(text):
                return self.bounded(node, path, text, int)
            self.error(
                node,
                path,
                f"'{text}' is an ambiguous number (YAML reads it as octal, hex or base 60)",
                "write a plain decimal number such as 8, or put text in quotes",
            )
            return text
        if node.tag == FLOAT_TAG:
            if PLAIN_FLOAT.fullmatch(text):
                return self.bounded(node, path, text, float)
            self.error(
                node,
                path,
                f"'{text}' is not a plain decimal number",
                "write digits with one decimal point, such as 5.5",
            )
            return text
        if node.tag == TIMESTAMP_TAG:
            self.error(node, path, f"'{text}' would be read as a date object", f'write the date in quotes: "{text}"')
            return text
        return text


# libyaml accepts tabs where PyYAML refuses them, and places marks after a
# byte-order mark inside a line one column further: texts holding either keep
# PyYAML's own parser, so that both accept and refuse the same files.
PYYAML_ONLY = ("\t", "\ufeff")


# Deeper than any file's schema (a topic's facets' keywords are five levels down), far short of what
# would exhaust a recursive walk.
MAX_DEPTH = 20
MERGE_TAG = "tag:yaml.org,2002:merge"


class RefusedYAML(yaml.MarkedYAMLError):
    """A YAML form the data files never need, refused where it is written: anchors, aliases, deep nesting."""


def _compose_events(text: str, loader_class) -> yaml.Node | None:
    """The node tree of a one-document text, built from the parser's events by a loop, not by recursion
    as PyYAML's composers do (a deeply nested value crashed libyaml's and overflowed Python's).
    Anchors and aliases are refused before any node is copied (a few lines of them can stand for
    billions of values), and so is nesting deeper than MAX_DEPTH."""
    loader = loader_class(text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        document = loader.get_event()
        open_nodes: list[yaml.CollectionNode] = []
        keys: list[yaml.Node | None] = []  # of each open mapping, the key waiting for its value
        root = None
        while not loader.check_event(yaml.DocumentEndEvent):
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node = open_nodes.pop()
                keys.pop()
                node.end_mark = event.end_mark
            elif isinstance(event, yaml.ScalarEvent):
                node = _scalar_node(loader, event)
            else:
                open_nodes.append(_collection_node(loader, event, depth=len(open_nodes)))
                keys.append(None)
                continue
            if not open_nodes:
                root = node
            elif isinstance(open_nodes[-1], yaml.SequenceNode):
                open_nodes[-1].value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                open_nodes[-1].value.append((keys[-1], node))
                keys[-1] = None
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                document.start_mark,
                "but found another document",
                loader.get_event().start_mark,
            )
        return root
    finally:
        loader.dispose()


def _refuse_anchors(event) -> None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise RefusedYAML(
            None,
            None,
            "anchors and aliases (&name, *name) are not used in these files",
            event.start_mark,
            "write each value out in full, as the other records are",
        )


def _scalar_node(loader, event) -> yaml.ScalarNode:
    """A scalar's node, its tag resolved as PyYAML's composer resolves it."""
    _refuse_anchors(event)
    tag = event.tag if event.tag not in (None, "!") else loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)


def _collection_node(loader, event, depth: int) -> yaml.CollectionNode:
    """An empty sequence or mapping node opened by its start event, `depth` collections deep."""
    _refuse_anchors(event)
    kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
    tag = event.tag if event.tag not in (None, "!") else loader.resolve(kind, None, event.implicit)
    if depth == MAX_DEPTH:
        raise RefusedYAML(
            None,
            None,
            f"values nested more than {MAX_DEPTH} levels deep",
            event.start_mark,
            "no field nests more than a few levels: check the brackets and the indentation",
        )
    return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)


def compose(text: str) -> yaml.Node | None:
    """The document's node tree, parsed by libyaml when PyYAML was built with it.

    libyaml gives the same events and marks about ten times faster than PyYAML's
    pure-Python parser, but words its syntax errors differently; a document
    libyaml refuses is parsed again in Python, so editors see the messages
    (and lines and columns) they always have.
    """
    fast_loader = getattr(yaml, "CSafeLoader", None)
    if fast_loader is not None and not any(c in text for c in PYYAML_ONLY):
        try:
            return _compose_events(text, fast_loader)
        except RefusedYAML:
            raise
        except yaml.YAMLError:
            pass
    return _compose_events(text, yaml.SafeLoader)


# PyYAML's words for a syntax error, and what an editor would say and do instead.
PLAIN_SYNTAX = (
    (
        "cannot start any token",
        "a tab or other character YAML does not allow here",
        "indent with spaces, never tabs; put text that starts with @, ` or % in quotes",
    ),
    (
        "mapping values are not allowed here",
        'a `name:` where a value goes on: this line is indented further than the field above it, or a value holds ": "',
        'line it up with the fields of its record, or put the value in quotes ("…")',
    ),
    (
        "expected <block end>",
        "this line does not line up with the lines around it",
        "indent it like the other fields of its record, with spaces",
    ),
    (
        "could not find expected ':'",
        "a line that is not `name: value`",
        "write the field's name, a colon and a space, then its value",
    ),
    ("found unexpected end of stream", "the file ends inside a quote", "close the quote"),
)
# A value that opens a quote, and what follows it on its line.
QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?[\w-]+:\s*(["'])(.*)$""")


def _unclosed_quote(lines: list[str], error_line: int) -> tuple[int, int] | None:
    """(line, column) of a value whose quote is left open above error_line (1-based): the nearest
    value above that opens a quote its own line does not close, and whose next quote mark is on
    error_line, where YAML, having read on to it, reports the error. None for any other error
    (a quoted value may rightly go on over several lines)."""
    for number in range(error_line - 1, max(0, error_line - 200), -1):
        found = QUOTED_VALUE.match(lines[number - 1])
        if not found:
            continue
        quote = found[1]
        closing = re.compile(r'(?<!\\)"' if quote == '"' else r"'(?!')")
        if closing.search(found[2].replace("''", "")):
            return None
        following = next(
            (n for n in range(number + 1, error_line + 1) if closing.search(lines[n - 1].replace("''", ""))), None
        )
        return (number, found.start(1) + 1) if following == error_line else None
    return None


def syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> DataError:
    """A YAML syntax error in plain words, at the line to fix: for a quote left open, where it opens."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "the file is not valid YAML"
    unclosed = _unclosed_quote(text.split("\n"), min(line, text.count("\n") + 1))
    if unclosed:
        return DataError(
            file,
            *unclosed,
            "",
            "this quote is not closed on its line",
            f"close it at the end of the value; YAML read on to the next quote mark, on line {line}",
        )
    for words, plain, hint in PLAIN_SYNTAX:
        if words in problem:
            return DataError(file, line, column, "", f"YAML syntax error: {plain}", hint)
    return DataError(
        file,
        line,
        column,
        "",
        f"YAML syntax error: {problem}",
        "check indentation and quotes on this line and the one before",
    )


def load_yaml(text: str, file: str) -> LoadedFile:
    """Parse one YAML document; syntax problems and YAML traps become DataErrors."""
    loaded = LoadedFile(file=file)
    try:
        node = compose(text)
    except RefusedYAML as exc:
        mark = exc.problem_mark
        loaded.errors.append(DataError(file, mark.line + 1, mark.column + 1, "", exc.problem, exc.note))
        return loaded
    except yaml.MarkedYAMLError as exc:
        loaded.errors.append(syntax_error(exc, text, file))
        return loaded
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (a NUL byte, a control character)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        loaded.errors.append(
            DataError(
                file,
                line,
                column,
                "",
                f"a character YAML does not allow ({hex(exc.character)})",
                "save the file as plain UTF-8 text; it may not be the file you meant",
            )
        )
        return loaded
    except yaml.YAMLError as exc:
        loaded.errors.append(DataError(file, 1, 1, "", f"YAML error: {exc}"))
        return loaded
    if node is None:
        loaded.errors.append(DataError(file, 1, 1, "", "the file is empty"))
        return loaded
    loaded.data = _Composer(loaded).value(node, ())
    loaded.keep_text(text)  # positions are found from it if a message needs one
    return loaded


def load_file(path: Path, display_name: str, cache: dict | None = None, *, root: Path) -> LoadedFile:
    """Read and parse a YAML file of the project at `root`; a file that cannot or may not be read (see
    safe_files) is an error, not a crash.

    With a cache (`serve` keeps one between rebuilds), a file whose text is unchanged
    is not parsed again: an edit to one district re-reads that district only. The text
    is compared, not the modification time, which some file systems keep to the second.
    """
    try:
        raw = read_editor_file(path, root)
        text = raw.decode("utf-8")
    except RefusedFile as exc:
        return LoadedFile(file=display_name, errors=[DataError(display_name, 1, 1, "", exc.message, exc.hint)])
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return LoadedFile(
            file=display_name,
            errors=[DataError(display_name, line, 1, "", "the file is not UTF-8 text", NOT_UTF8_HINT)],
        )
    except OSError as exc:
        return LoadedFile(
            file=display_name, errors=[DataError(display_name, 1, 1, "", f"cannot read the file: {exc.strerror}")]
        )
    if cache is not None and path in cache and cache[path][0] == text:
        return cache[path][1]
    loaded = load_yaml(text, display_name)
    if cache is not None:
        cache[path] = (text, loaded)
    return loaded


def _load_run(files: list[Path], paths, cache: dict | None, check: Callable[[LoadedFile], Any] | None) -> list:
    """load_file of each file, in order, each passed through `check` if given."""
    loaded = (load_file(path, paths.display(path), cache, root=paths.root) for path in files)
    return [check(one) for one in loaded] if check else list(loaded)


def _read_archives(paths) -> list[tuple[dict[str, str], list[DataError]]]:
    """The archived source texts by file name, and the problems of those that are not UTF-8 or may not be
    read (see safe_files), as the one result of a piece of work. A text that is not UTF-8 is kept with its
    undecodable bytes replaced, so that its quotes are still looked for."""
    archives, problems = {}, []
    for text_file in sorted(paths.sources.glob("*.txt")) if paths.sources.is_dir() else []:
        shown = paths.display(text_file)
        try:
            raw = read_editor_file(text_file, paths.root)
        except RefusedFile as exc:
            problems.append(DataError(shown, 1, 1, "", exc.message, exc.hint))
            continue
        except OSError as exc:
            problems.append(DataError(shown, 1, 1, "", f"cannot read the file: {exc.strerror}"))
            continue
        try:
            text = archives[text_file.name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            archives[text_file.name] = raw.decode("utf-8", errors="replace")
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(DataError(shown, line, 1, "", "the archived text is not UTF-8", NOT_UTF8_HINT))
            continue
        unsafe = UNSAFE_CHARACTER.search(text)  # the text is published as it is, on its source's page
        if unsafe:
            line = text.count("\n", 0, unsafe.start()) + 1
            column = unsafe.start() - text.rfind("\n", 0, unsafe.start())
            problems.append(
                DataError(
                    shown,
                    line,
                    column,
                    "",
                    f"a character no text needs here (U+{ord(unsafe[0]):04X})",
                    "delete it: an invisible control or direction mark, likely pasted with the text",
                )
            )
    return [(archives, problems)]


# What the build reads under data/, by folder; any other file there is named, never passed over.
READ_IN_DATA = {
    "": {"topics.yaml", "sources.yaml", "cities.yaml", "metrics.yaml", "releases.yaml", "README.md"},
    "districts": {".yaml"},
    "sources": {".txt", "README.md"},
    "schema": {".json"},
}


def stray_data_files(paths) -> list[DataError]:
    """Files under data/ that the build would not read: a district saved as .yml, a stray export."""
    problems = []
    for path in sorted(paths.data.rglob("*")) if paths.data.is_dir() else []:
        relative = path.relative_to(paths.data)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        folder = relative.parent.as_posix() if relative.parent.as_posix() != "." else ""
        known = READ_IN_DATA.get(folder, set())
        if path.name in known or path.suffix in known:
            continue
        if folder == "districts" and path.suffix == ".yml":
            hint = f"district files end in .yaml: rename it to {path.stem}.yaml"
        else:
            hint = "the build does not read it: move it out of data/, or remove it"
        problems.append(DataError(paths.display(path), 1, 1, "", "a file the build does not read", hint))
    return problems


@dataclass
class RawProject:
    """Every input file, parsed but not yet validated."""

    topics: LoadedFile
    sources: LoadedFile
    districts: list  # LoadedFile each, or what load_project's check_district made of it
    archives: dict[str, str]  # archived source text by file name
    cities: LoadedFile | None = None  # data/cities.yaml, only on a site of several cities
    metrics: LoadedFile | None = None  # data/metrics.yaml, where a metric is compared across districts
    releases: LoadedFile | None = None  # data/releases.yaml: the days whose data is kept as a release
    file_errors: list[DataError] = field(default_factory=list)  # archives not UTF-8, files not read


def load_project(
    paths, cache: dict | None = None, check_district: Callable[[LoadedFile], Any] | None = None
) -> RawProject:
    """Gather every data file of the project before anything is checked or written.

    cache: see load_file. A large site's thousands of district files are parsed by one
    forked process per CPU (without a cache: `serve` parses only the files that change), and so
    are its lists and archived texts, first: reading them took this process 0.7 s with the other
    CPU idle. `check_district` runs in the process that parsed the file, so that only what it
    returns comes back, never every file's parsed data.
    """
    district_files = sorted(paths.districts.glob("*.yaml")) if paths.districts.is_dir() else []
    optional = [paths.data / name for name in ("cities.yaml", "metrics.yaml", "releases.yaml")]
    optional = [path for path in optional if path.is_file()]
    lists = [paths.data / "topics.yaml", paths.data / "sources.yaml", *optional]
    runs = [district_files[i : i + FILES_PER_TASK] for i in range(0, len(district_files), FILES_PER_TASK)]
    work = [
        functools.partial(_load_run, lists, paths, cache, None),
        functools.partial(_read_archives, paths),
        *(functools.partial(_load_run, run, paths, cache, check_district) for run in runs),
    ]
    loaded = results(work, parallel=cache is None and len(district_files) >= PARALLEL_LOAD_FROM)
    topics, sources, *others = [next(loaded) for _ in lists]
    found = {path.name: file for path, file in zip(optional, others)}
    archives, archive_errors = next(loaded)
    return RawProject(
        topics=topics,
        sources=sources,
        districts=list(loaded),
        archives=archives,
        cities=found.get("cities.yaml"),
        metrics=found.get("metrics.yaml"),
        releases=found.get("releases.yaml"),
        file_errors=archive_errors + stray_data_files(paths),
    )


RECORD_ID_LINE = re.compile(r"[ \t]*(?:-[ \t]+)?id:[ \t]*[\"']?([a-z0-9-]+)[\"']?[ \t]*(?:#.*)?\r?")


def record_lines(paths, district_ids: list[str]) -> dict[str, int]:
    """Record id → the line its id is written on, in data/districts/<district>.yaml (for the "edit"
    links of record cards). Read from the text alone: a checked file writes each as an `id:` line."""
    lines = {}
    for district_id in district_ids:
        text = (paths.districts / f"{district_id}.yaml").read_text(encoding="utf-8-sig")
        for number, line in enumerate(text.split("\n"), start=1):
            found = RECORD_ID_LINE.fullmatch(line)
            if found:
                lines.setdefault(found[1], number)
    return lines
