"""Parsing a large file in pieces (transforms.parse.partial) gives exactly what parsing it whole gives:
the same code, byte for byte, and the same findings at the same lines."""

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transforms
from conftest import HEADER, MEMBERS, SNIPPETS, UNRELATED, mixed_code, require_framework
from transforms import pipeline
from transforms.parse import partial

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def rewrite_both(source: bytes, options=transforms.Options(), script: bool = False):
    """(whole, in pieces) as `transforms.rewrite` gives them, or the SourceError message of each."""
    def run(min_piece_bytes):
        try:
            result = transforms.rewrite(source, options, script=script, min_piece_bytes=min_piece_bytes)
            return result.code, result.findings, result.frameworks
        except transforms.SourceError as error:
            return error.message
    return run(10**12), run(0)


def skeleton_of(source: bytes, options=transforms.Options()):
    return pipeline.skeleton(source, options, min_piece_bytes=0)


def test_split_finds_statements_and_class_members():
    source = (
        b'"""Doc."""\n'  # 0
        b"import os\n"  # 1
        b"@decorator(\n"  # 2
        b"    1)\n"
        b"def f():\n"
        b'    """text\n'
        b"def not_a_statement(): at column 0 in a string\n"
        b'"""\n'
        b"if x:\n"  # 8
        b"    pass\n"
        b"else:\n"
        b"    pass\n"
        b"call(\n"  # 12
        b"arg)\n"
        b"y = 1 + \\\n"  # 14
        b"2; z = 3\n"
        b"class C(\n"  # 16
        b"        Base):\n"
        b"    a = 1\n"  # 18
        b"    # a comment\n"
        b"    def m(self):\n"  # 20
        b"        return (\n"
        b"    2)\n"
        b"    @property\n"  # 23
        b"    def p(self):\n"
        b"        return 3\n"
    )
    chunks = partial.split(source)
    assert [(c.start, c.end, c.parent) for c in chunks] == [
        (0, 1, None), (1, 2, None), (2, 8, None),
        (8, 9, None), (9, 10, 3), (10, 11, 3), (11, 12, 5),  # if: its line, its body, else: its line, its body
        (12, 14, None), (14, 16, None),
        (16, 18, None), (18, 20, 9), (20, 23, 9), (23, 27, 9),  # the class line, then its members
    ]
    assert chunks[2].defined == b"f" and chunks[9].kind == b"class" and chunks[12].defined == b"p"
    assert chunks[5].clause and [c.scope for c in chunks[9:]] == [None, 9, 9, 9]


def test_split_follows_blocks_inside_functions_and_keeps_their_scopes():
    source = (
        b"def f(a):\n"  # 0
        b"    x = 1\n"
        b"    for i in a:\n"  # 2
        b"        y = i\n"
        b"        z = 2\n"
        b"    try:\n"  # 5
        b"        import q\n"
        b"    except ImportError as e:\n"
        b"        q = None\n"
        b"    class K:\n"  # 9
        b"        k = 1\n"
        b"        def m(self): return 1\n"
        b"def g():\n"  # 12
        b"    global x\n"
        b"    x = 2\n"
    )
    chunks = partial.split(source)
    assert [(c.start, c.end, c.parent, c.scope) for c in chunks] == [
        (0, 1, None, None), (1, 2, 0, 0),
        (2, 3, 0, 0), (3, 4, 2, 0), (4, 5, 2, 0),  # a for block's statements are in the function's scope
        (5, 6, 0, 0), (6, 7, 5, 0), (7, 8, 5, 0), (8, 9, 7, 0),  # except: a clause of the try
        (9, 10, 0, 0), (10, 11, 9, 9), (11, 12, 9, 9),  # a class's body is a scope of its own
        (12, 16, None, None),  # `global`: the def stays whole
    ]
    assert chunks[7].clause and chunks[7].binds() == {b"e"} and chunks[2].binds() == {b"i"}


@pytest.mark.parametrize("code, names", [
    (b"x = y = 3", {b"x", b"y"}),
    (b"f(a=1)", set()),
    (b"x[i] += 2", {b"i"}),  # a subscript binds nothing (the index inside is a superset)
    (b"self.a, b = 1, 2", {b"b"}),
    (b"if a == 1:\n    b = c\n    d.e = f", {b"a", b"b", b"c", b"f"}),  # a whole block: what may be a name
    (b"z = [q for q in r]", {b"z", b"q"}),
    (b"x: int", {b"x", b"int"}),
    (b"x == y", set()),
    (b"def f(a=1):\n    global g\n    g = a", {b"f", b"g"}),
    (b"@dec\nclass C(B):\n    x = 1", {b"C"}),
])
def test_what_a_statement_may_bind_at_module_level(code, names):
    assert names <= partial.Chunk(0, 1, code).binds()
    assert partial.Chunk(0, 1, code).binds() <= names | {b"int"}


@pytest.mark.parametrize("source", [
    b"x = (1,\n",  # unbalanced
    b"x = 1)\n",
    b"def f():\n    pass\n\x0cdef g():\n    pass\n",  # form feed
    b"x = 1\ry = 2\r",  # old Mac line endings
    b"@decorator\n",
])
def test_split_refuses_what_its_text_view_cannot_see(source):
    assert partial.split(source) is None


def test_findings_keep_their_lines_when_statements_before_them_are_skipped():
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(200))
    source = (HEADER + filler + "layer = nn.Dropout(p=0.5)\n").encode()
    skeleton = skeleton_of(source)
    assert skeleton is not None and len(skeleton.code) < len(source) // 10
    whole, pieces = rewrite_both(source)
    assert whole == pieces
    line = source.decode().splitlines().index("layer = nn.Dropout(p=0.5)") + 1
    assert [f.line for f in pieces[1]] == [line]


def test_crlf_and_a_missing_last_newline_come_back_byte_for_byte():
    source = (HEADER + UNRELATED[0] + "layer = nn.Dropout(p=0.5)\n" + UNRELATED[2]).replace("\n", "\r\n").rstrip()
    source = source.encode()
    assert skeleton_of(source) is not None
    whole, pieces = rewrite_both(source)
    assert whole == pieces and whole[0] != source


def test_a_marker_that_does_not_come_back_is_refused():
    source = (HEADER + UNRELATED[0] + UNRELATED[1] + "layer = nn.Dropout(p=0.5)\n").encode()
    skeleton = skeleton_of(source)
    assert skeleton.restore(skeleton.code) == source
    assert skeleton.restore(skeleton.code.replace(partial.MARK, b"#")) is None
    assert skeleton.restore(skeleton.code + b"\n" + partial.MARK + b"0\n") is None


LICENCE = "# Copyright 2021 Someone\n#\n# Licensed under the Apache License, Version 2.0\n# ============\n\n"


@pytest.mark.parametrize("first, kept", [
    ("", ""),
    ("#!/usr/bin/env python\n", ""),  # a shebang goes with the licence
    ("# -*- coding: latin-1 -*-\n", "# -*- coding: latin-1 -*-\n"),  # a coding line stays where it is
])
def test_a_licence_before_the_first_statement_is_one_marker(first, kept):
    source = (first + LICENCE + HEADER + UNRELATED[0] + "layer = nn.Dropout(p=0.5)\n").encode()
    skeleton = skeleton_of(source)
    assert skeleton.code.startswith(kept.encode() + partial.MARK + b"0\n" + HEADER.encode())
    assert skeleton.restore(skeleton.code) == source
    whole, pieces = rewrite_both(source)
    assert whole == pieces and whole[0] != source
    assert [f.line for f in pieces[1]] == [source.decode().count("\n")]


def test_a_header_holding_code_or_one_line_is_not_a_marker():
    one = ("# one line\n" + HEADER + UNRELATED[0] + UNRELATED[1] + "layer = nn.Dropout(p=0.5)\n").encode()
    assert skeleton_of(one).code.startswith(b"# one line\n" + HEADER.encode())
    indented = ("# a\n# b\n  x = 1\n" + HEADER + "layer = nn.Dropout(p=0.5)\n").encode()
    assert rewrite_both(indented)[1] == rewrite_both(indented)[0]  # the same syntax error, not hidden


@pytest.mark.parametrize("body", [
    "    import foo\n    HAS_FOO = True\n",  # not only imports: the seed block goes before the try
    "    import foo\n    import baz\n",  # only imports: it counts as one, the block goes after `import bar`
    "    import foo\n    if foo.old:\n        foo = None\n",
    "    import foo\n    try:\n        import baz\n    except ImportError:\n        baz = None\n",  # nested: imports
])
def test_a_try_among_the_leading_imports_places_the_seed_block_as_the_whole_file_does(body):
    source = (
        "import os\nimport mindspore\ntry:\n" + body + "except ImportError:\n    foo = None\nimport bar\n"
        "os.environ['X'] = '1'\n\n\n" + UNRELATED[0] + "import late\n"  # (the imports end at the def before it)
        "def main():\n    net = mindspore.nn.Dropout(p=0.5)\n"
    ).encode()
    whole, pieces = (transforms.rewrite(source, script=True, min_piece_bytes=size) for size in (10**12, 0))
    assert skeleton_of(source) is not None
    assert (pieces.code, pieces.findings) == (whole.code, whole.findings) and whole.code != source


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_match_among_the_leading_imports_ends_them_in_pieces_too(newline):
    source = ('"""Doc."""\nmatch x:\n    case 1:\n        pass\n' + HEADER + UNRELATED[2] + "import bar\n"
              + "layer = nn.Dropout(p=0.5)\n").replace("\n", newline).encode()
    whole, pieces = rewrite_both(source, script=True)
    assert whole == pieces and whole[1][0].line == 2  # the seed block right after the docstring


def test_a_name_shadowed_in_a_statement_that_cannot_matter_still_counts():
    source = (
        "from mindspore.dataset import GeneratorDataset\n" + UNRELATED[0]
        + "def GeneratorDataset(source, column_names=None):  # the project's own\n    return list(source)\n"
        + UNRELATED[1] + "data = GeneratorDataset(range(4), ['x'])\n"
    ).encode()
    whole, pieces = rewrite_both(source)
    assert whole == pieces and whole[0] == source  # the project's own function is left alone


def test_an_import_inside_a_function_that_cannot_matter_still_counts():
    source = (
        HEADER + UNRELATED[0] + "def helper():\n    import numpy as nn\n    return nn.zeros(3)\n"
        + UNRELATED[1] + "layer = nn.Dropout(p=0.5)\n"
    ).encode()
    whole, pieces = rewrite_both(source)
    assert whole == pieces


def test_when_the_pieces_do_not_come_back_the_file_is_parsed_whole(monkeypatch):
    source = (HEADER + UNRELATED[0] + UNRELATED[1] + "layer = nn.Dropout(p=0.5)\n" + UNRELATED[2]).encode()
    whole, _ = rewrite_both(source)
    monkeypatch.setattr(partial.Skeleton, "restore", lambda self, rendered: None)  # a fault, injected
    result = transforms.rewrite(source, script=False, min_piece_bytes=0)
    assert (result.code, result.findings, result.frameworks) == whole and whole[0] != source


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_rule_examples_give_the_same_in_pieces(snippet):
    source = (UNRELATED[1] + snippet + "\n" + UNRELATED[2] + UNRELATED[0]).encode()
    whole, pieces = rewrite_both(source)
    assert whole == pieces


@SETTINGS
@given(mixed_code())
def test_mixed_code_gives_the_same_in_pieces(source: bytes):
    whole, pieces = rewrite_both(source)
    assert whole == pieces


# what may stand before and among the leading imports, which decide where the seed block goes
IMPORT_REGION = [
    '"""Doc."""\n', "from __future__ import annotations\n", "import sys\nsys.path.insert(0, '.')\n",
    "try:\n    import foo\nexcept ImportError:\n    foo = None\n",
    "try:\n    import foo\n    HAS_FOO = True\nexcept ImportError:\n    HAS_FOO = False\n",
    "try:\n    import foo\n    try:\n        import bar\n    except ImportError:\n        bar = None\n"
    "except ImportError:\n    foo = None\n",
    "try: import foo\nexcept ImportError: foo = None\n",
    "if sys.version_info > (3,):\n    import a\nelse:\n    import b\n",
    "import a; import b\n", "import a; X = 2\n", "X = 1\n", "import bar\n", "import os\nos.environ['A'] = '1'\n",
    "@decorator\ndef f():\n    return 1\n", "match x:\n    case 1:\n        pass\n",
    "with open('f') as fh:\n    import c\n", "# a comment\n", "\n",
]


@SETTINGS
@given(st.lists(st.sampled_from(IMPORT_REGION), max_size=5), mixed_code(),
       st.lists(st.sampled_from(IMPORT_REGION), max_size=3))
def test_entry_scripts_give_the_same_in_pieces(before: list[str], source: bytes, between: list[str]):
    newline = b"\r\n" if b"\r\n" in source else b"\n"
    before, between = ("".join(parts).encode().replace(b"\n", newline) for parts in (before, between))
    header = HEADER.encode().replace(b"\n", newline)
    source = before + source.replace(header, header + between, 1)
    whole, pieces = rewrite_both(source, script=True)
    assert whole == pieces


@SETTINGS
@given(hypothesmith.from_node(), st.sampled_from(SNIPPETS))
def test_generated_programs_give_the_same_in_pieces(program: str, snippet: str):
    source = (HEADER + snippet + "\n" + program).encode("utf-8", "surrogatepass")
    whole, pieces = rewrite_both(source)
    if isinstance(whole, str):
        return  # the whole file does not parse; the pieces may (what cannot matter is not parsed)
    assert whole == pieces


@pytest.mark.framework
def test_a_real_library_gives_the_same_in_pieces():
    """Files of an installed framework that pass the text check and are cut into pieces when reprofix
    runs (16 KiB and more), a dozen spread over their sizes, cut as small as it goes (bench/run.py
    and test_textcheck's soundness check see the rest)."""
    import importlib.util
    from pathlib import Path

    require_framework("mindspore")
    root = Path(list(importlib.util.find_spec("mindspore").submodule_search_locations)[0])
    sources = {path: path.read_bytes() for path in sorted(root.rglob("*.py"))}
    relevant = sorted((p for p, source in sources.items() if 16 * 1024 <= len(source) <= 160 * 1024
                       and transforms.might_need_rewrite(source)), key=lambda p: len(sources[p]))
    for path in relevant[:: max(1, len(relevant) // 12)]:
        whole, pieces = rewrite_both(sources[path])
        assert whole == pieces, path.relative_to(root)
