"""Configuration files (YAML) rewritten like code: the settings and list entries the rules in
`transforms.tables.configrules` name, edited in the file's own text.

PyYAML composes the file into nodes that know where they stand in the text (it never constructs
objects, so custom tags and anchors are fine). Each edit replaces one scalar's text (`true` ->
`false`, keeping its spelling: `True` -> `False`) or comments out the lines of one list entry; every
other byte stays. The result is composed again and compared with the original's nodes with the same
changes made: anything else (an anchor shared by another key, a layout the line edits cannot follow)
and the file is left unchanged, with a finding that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .facts import ConfigOps, ConfigSetting, ConfigSettings
from .markers import COMMENT_PREFIX
from .options import Options
from .rule import REPORT, REWRITE, Finding, SourceError
from .tables import configrules

SUFFIXES = (".yaml", ".yml")
_TAG = "tag:yaml.org,2002:"
# a file can matter only if its text holds one of these (most YAML files in a repository do not)
_TRIGGER = re.compile(rb"shuffle|worker|multiprocessing|drop|keep_|Rand|random_")
_BASE_KEYS = ("_BASE_", "_base_", "__BASE__", "__base__", "base_config")
_BOOLEANS = {"true": "false", "yes": "no", "on": "off"}


@dataclass(frozen=True)
class ConfigRewrite:
    code: bytes
    findings: tuple[Finding, ...]


def is_config(path: str) -> bool:
    return path.lower().endswith(SUFFIXES)


def rewrite_config(source: bytes, options: Options = Options()) -> ConfigRewrite:
    """One configuration file's rewrite. Raises SourceError when it is not YAML reprofix can read."""
    if not _TRIGGER.search(source):
        return ConfigRewrite(source, ())
    text = _decode(source)
    documents = _compose(text)
    editor = _Editor(text, options.disabled)
    for document in documents:
        editor.walk(document)
    if not editor.edits:
        return ConfigRewrite(source, tuple(editor.sorted_findings()))
    new_text = editor.apply()
    expected = [editor.expected(document) for document in documents]
    try:
        actual = [_shape(document) for document in yaml.compose_all(new_text, Loader=yaml.SafeLoader)]
    except yaml.YAMLError:
        actual = None
    if actual != expected:
        finding = Finding("CF104", 1, 1, "the configuration could not be rewritten safely here (anchors or a "
                          "layout the line edits cannot follow): make its changes by hand", REPORT)
        return ConfigRewrite(source, (finding, *(f for f in editor.sorted_findings() if f.kind != REWRITE)))
    return ConfigRewrite(new_text.encode("utf-8"), tuple(editor.sorted_findings()))


def mentions(source: bytes) -> list[tuple[str, int]]:
    """The names the file's list entries build by name (`RandFlipImage`, `mosaic`), with their lines:
    the project's own classes and methods a configuration reaches."""
    if b"-" not in source:
        return []
    try:
        documents = _compose(_decode(source))
    except SourceError:
        return []
    fact = _ops_fact()
    found: list[tuple[str, int]] = []

    def walk(node) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                name = _op_name(item, fact)
                if name is not None:
                    found.append((name, item.start_mark.line + 1))
        for child in _children(node):
            walk(child)

    for document in documents:
        walk(document)
    return found


def bases(source: bytes) -> list[str]:
    """The files a configuration inherits (`_BASE_: [...]`, `_base_: ../x.yml`), as written."""
    if b"base" not in source.lower():
        return []
    try:
        documents = _compose(_decode(source))
    except SourceError:
        return []
    found = []
    for document in documents:
        if isinstance(document, yaml.MappingNode):
            for key, value in document.value:
                if isinstance(key, yaml.ScalarNode) and key.value in _BASE_KEYS:
                    values = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    found += [v.value for v in values if isinstance(v, yaml.ScalarNode) and is_config(v.value)]
    return found


def _decode(source: bytes) -> str:
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError as error:
        line = source.count(b"\n", 0, error.start) + 1
        raise SourceError(f"not valid UTF-8 (byte 0x{source[error.start]:02x}), as YAML must be", line, 1) from None


def _compose(text: str) -> list:
    try:
        return [d for d in yaml.compose_all(text, Loader=yaml.SafeLoader) if d is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        raise SourceError(f"not valid YAML: {error.problem or error.context}", *where) from None
    except yaml.YAMLError as error:
        raise SourceError(f"not valid YAML: {error}") from None
    except RecursionError:
        raise SourceError("nested too deeply to read") from None


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _ops_fact() -> ConfigOps:
    return next(fact for fact, _ in configrules.TABLE.facts(ConfigOps))


def _op_name(item, fact: ConfigOps) -> str | None:
    """The op a list entry builds: the one key of a mapping (`- RandFlipImage: {...}`), or its
    `type:`/`name:`/`func_name:` value."""
    if not isinstance(item, yaml.MappingNode) or not item.value:
        return None
    for key, value in item.value:
        if isinstance(key, yaml.ScalarNode) and key.value in fact.name_keys and isinstance(value, yaml.ScalarNode):
            return value.value.rsplit(".", 1)[-1] or None
    if len(item.value) == 1:
        key = item.value[0][0]
        if isinstance(key, yaml.ScalarNode) and re.fullmatch(r"[A-Z]\w*", key.value):
            return key.value
    return None


def _shape(node):
    """A node as comparable data: scalars by tag and text, collections by their parts."""
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, [_shape(n) for n in node.value])
    return ("map", node.tag, [(_shape(k), _shape(v)) for k, v in node.value])


class _Editor:
    """The edits one file gets, and what its nodes should read once they are made."""

    def __init__(self, text: str, disabled: frozenset[str]):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []  # (start, end, new text) in the text
        self.new_scalars: dict[int, tuple[str, str]] = {}  # id(node) -> (tag, value) it becomes
        self.dropped: set[int] = set()  # id(node) of list entries taken out
        self.findings: list[Finding] = []
        self.visited: set[int] = set()
        self.rules = [(fact, rule) for fact, rule in configrules.TABLE.facts(ConfigSettings) if rule.id not in disabled]
        self.ops = [(fact, rule) for fact, rule in configrules.TABLE.facts(ConfigOps) if rule.id not in disabled]

    # ---- finding what to change --------------------------------------------------------------
    def walk(self, node) -> None:
        """Each node once: an alias stands for a node already seen, edited where it is written."""
        if id(node) in self.visited:
            return
        self.visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and id(value) not in self.visited:
                    self.setting(key, value)
                self.walk(value)
        elif isinstance(node, yaml.SequenceNode):
            self.entries(node)
            for item in node.value:
                self.walk(item)

    def setting(self, key, value) -> None:
        for fact, rule in self.rules:
            for setting in fact.settings:
                if re.fullmatch(setting.key, key.value):
                    if self.set(value, setting):
                        self.finding(rule.id, value, f"{key.value}: {setting.value}", REWRITE)
                    return

    def set(self, value, setting: ConfigSetting) -> bool:
        """Plan `setting` on a value node; True if it changes anything."""
        if isinstance(value, yaml.SequenceNode) and setting.when == "rate":
            items = [v for v in value.value if self.number(v) is not None]
            if len(items) != len(value.value) or not items:
                return False
            return any([self.set(item, setting) for item in items])
        if not isinstance(value, yaml.ScalarNode) or value.style is not None:
            return False  # quoted: a string
        if setting.when in ("true", "false"):
            if value.tag != _TAG + "bool" or value.value.lower() not in (_BOOLEANS if setting.when == "true" else
                                                                            {v: k for k, v in _BOOLEANS.items()}):
                return False
            word = value.value.lower()
            swapped = _BOOLEANS.get(word) or {v: k for k, v in _BOOLEANS.items()}[word]
            new = swapped.upper() if value.value.isupper() else swapped.title() if value.value.istitle() else swapped
            return self.replace(value, new, _TAG + "bool")
        number = self.number(value)
        if number is None:
            return False
        if setting.when == "above":
            return value.tag == _TAG + "int" and number > setting.limit and self.replace(value, setting.value, _TAG + "int")
        if setting.when == "rate":
            return number != float(setting.value) and self.replace(value, setting.value, _TAG + "float")
        return False

    @staticmethod
    def number(node) -> float | None:
        if isinstance(node, yaml.ScalarNode) and node.style is None and node.tag in (_TAG + "int", _TAG + "float"):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                return None
        return None

    def replace(self, node, new: str, tag: str) -> bool:
        start, end = node.start_mark.index, node.end_mark.index
        if self.text[start:end] != node.value or "\n" in node.value:
            return False  # not written as plainly as its value reads
        self.edits.append((start, end, new))
        self.new_scalars[id(node)] = (tag, new)
        return True

    def entries(self, sequence) -> None:
        if not self.ops:
            return
        fact, rule = self.ops[0]
        kept = len(sequence.value)
        for item in sequence.value:
            name = _op_name(item, fact)
            if name is None or not re.search(fact.random, name):
                continue
            if sequence.flow_style:
                self.finding(rule.id, item, f"{name} is random, in a list written on one line (`[...]`): take it out "
                                            "by hand", REPORT)
            elif re.search(fact.shaping, name):
                self.finding(rule.id, item, f"{name} is random and may decide the size of what follows: replace it by "
                                            "its deterministic counterpart (a centre crop, a fixed resize) while debugging",
                             REPORT)
            elif kept == 1:
                self.finding(rule.id, item, f"{name} is random, but it is the last op of its list: take it out by "
                                            "hand (an empty list may not be accepted)", REPORT)
            elif self.drop(item, rule.id):
                kept -= 1
                self.finding(rule.id, item, f"{name} removed from the list", REWRITE)
            else:
                self.finding(rule.id, item, f"{name} is random, but its lines cannot be commented out one by one: "
                                            "take it out by hand", REPORT)

    def drop(self, item, rule: str) -> bool:
        """Comment out the lines of a block list's entry: from its `- ` to its last line."""
        first = item.start_mark.line
        line = self.lines[first]
        dash = line[:item.start_mark.column].rstrip()
        if not dash.endswith("-") or dash[:-1].strip():
            return False  # not `- entry` on a line of its own
        end = len(self.text[:item.end_mark.index].rstrip())
        last = max(first, self.line_of(end - 1))
        indent = len(line) - len(line.lstrip())
        lines = [n for n in range(first, last + 1) if self.lines[n].strip()]
        if any(len(self.lines[n]) - len(self.lines[n].lstrip()) < indent for n in lines):
            return False  # an entry that reaches left of its dash
        for number in lines:
            start = self.starts[number] + indent
            self.edits.append((start, start, COMMENT_PREFIX.format(rule=rule) + " " if number == first else "# "))
        self.dropped.add(id(item))
        return True

    def line_of(self, index: int) -> int:
        low, high = 0, len(self.starts) - 1
        while low < high - 1:
            middle = (low + high) // 2
            if self.starts[middle] <= index:
                low = middle
            else:
                high = middle
        return low

    def finding(self, rule: str, node, message: str, kind: str) -> None:
        self.findings.append(Finding(rule, node.start_mark.line + 1, node.start_mark.column + 1, message, kind))

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.line, f.col, f.rule))

    # ---- making it -------------------------------------------------------------------------
    def apply(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def expected(self, node):
        """The node's shape once the edits are made."""
        if id(node) in self.new_scalars:
            tag, value = self.new_scalars[id(node)]
            return ("scalar", tag, value)
        if isinstance(node, yaml.ScalarNode):
            return _shape(node)
        if isinstance(node, yaml.SequenceNode):
            return ("seq", node.tag, [self.expected(n) for n in node.value if id(n) not in self.dropped])
        return ("map", node.tag, [(self.expected(k), self.expected(v)) for k, v in node.value])


config_mentions = mentions  # the names the package exports
config_bases = bases
