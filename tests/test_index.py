"""The one walk over a parsed file (transforms.parse.index): names, scopes, bindings, and positions as
libcst's own PositionProvider computes them."""

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from transforms.parse import index


def build(code: str) -> index.FileIndex:
    return index.build(cst.parse_module(code))


def calls(file_index: index.FileIndex, text: str) -> list[cst.Call]:
    module = file_index.module
    return [c for c in file_index.calls if module.code_for_node(c.func) == text]


def test_imports_give_qualified_names_and_roots():
    file_index = build(
        "import mindspore.dataset.vision as V\nimport os.path\nfrom torch import nn as tnn\n"
        "from .local import helper\nV.RandomCrop(1)\ntnn.Dropout()\nos.path.join('a')\nhelper()\n"
    )
    names = {file_index.module.code_for_node(c.func): file_index.qualname(c.func) for c in file_index.calls}
    assert names == {
        "V.RandomCrop": "mindspore.dataset.vision.RandomCrop", "tnn.Dropout": "torch.nn.Dropout",
        "os.path.join": "os.path.join", "helper": ".local.helper",
    }
    assert file_index.import_roots == {"mindspore", "os", "torch"}


def test_scopes_follow_python_rules():
    file_index = build(
        "x = 1\n"
        "class C:\n    x = 2\n    def m(self):\n        return x\n"  # the class body is skipped: module x
        "def f(x):\n    return x\n"  # the parameter
        "g = lambda x: x\n"
    )
    uses = file_index.loads["x"]
    scopes = [file_index.resolve(name) for name in uses]
    module = file_index.module
    function_f = module.body[2]
    lambda_node = module.body[3].body[0].value
    assert scopes == [module, function_f, lambda_node]


def test_a_name_bound_once_has_its_uses_and_a_rebound_one_none():
    file_index = build("ops = [1]\nuse(ops)\nuse(ops)\nother = 1\nother = 2\nuse(other)\n")
    once = file_index.module.body[0].body[0].targets[0].target
    twice = file_index.module.body[3].body[0].targets[0].target
    assert [n.value for n in file_index.sole_binding_uses(once)] == ["ops", "ops"]
    assert file_index.sole_binding_uses(twice) is None
    assert file_index.bound_at_module("other") == {index.LOCAL}
    assert build("import random\n").bound_at_module("random") == {"random"}


def test_statement_kinds_are_collected_in_their_lists():
    file_index = build("class A(B):\n    pass\nx = [1, 2]\nif a is not None:\n    del x[0]\n")
    assert len(file_index.classes) == 1 and len(file_index.lists) == 1
    assert len(file_index.comparisons) == 1 and len(file_index.dels) == 1 and len(file_index.assigns) == 1


CODE = (
    "# a header comment\n"
    "\n"
    "import torch\n"
    "x = f(a, key=g(1), other=h(\n"
    "    2,\n"
    "), last=k(3)); y = 1\n"
    "class Net(torch.nn.Module):\n"
    "    def forward(self, x):\n"
    "        return (torch.relu(x, *rest, **options)\n"
    "                + torch.tanh(x))\n"
    "d = {'shuffle': True, 'n': m(4)}\n"
    "if cond:\n"
    "    z = [p(5), q(6)]\n"
)


def expected_positions(module: cst.Module, nodes) -> dict:
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    # PositionProvider starts a node after its leading parentheses; reprofix's positions include them
    return {n: (positions[n].start.line, positions[n].start.column + 1) for n in nodes}


@pytest.mark.parametrize("pick", [
    lambda m, i: i.calls,  # every call: nested, multi-line, on one line with another statement
    lambda m, i: [a for c in i.calls for a in c.args],  # arguments, with their commas after them
    lambda m, i: [n.name for n in i.classes],  # a class's own name
    lambda m, i: i.assigns,  # small statements, one after `;`
    lambda m, i: list(m.body[3].body[0].value.elements),  # dict elements
    lambda m, i: [i.calls[-1]],  # a single node, deep in a block
])
def test_positions_match_libcst(pick):
    file_index = build(CODE)
    module = file_index.module
    nodes = pick(module, file_index)
    got = index.positions(file_index, nodes)
    want = expected_positions(module, [n for n in nodes if not getattr(n, "lpar", None)])
    assert {n: got[n] for n in want} == want
    assert set(got) == set(nodes)


def test_positions_from_the_text_match_the_rendered_ones():
    """Given where each top-level statement starts (as a skeleton knows it), only the statements
    holding a node are rendered; the positions are the same. Lines that do not agree are not used."""
    file_index = build(CODE)
    nodes = file_index.calls
    starts = [3, 4, 7, 11, 12]  # `import torch`, `x = ...`, `class Net`, `d = ...`, `if cond:`
    assert index.positions(file_index, nodes, (CODE.encode(), starts)) == index.positions(file_index, nodes)
    wrong = [3, 4, 8, 11, 12]  # the class a line late: its code does not stand there, so it is rendered in place
    assert index.positions(file_index, nodes, (CODE.encode(), wrong)) == index.positions(file_index, nodes)


def test_a_parenthesised_node_starts_at_its_parenthesis():
    file_index = build("import torch\ny = (torch.relu(x))\n")
    call = file_index.calls[0]
    assert index.positions(file_index, [call]) == {call: (2, 5)}


def test_positions_found_in_the_text_where_a_node_stands_once():
    """A node whose code stands once in its statement's lines is found there; the same code twice (or
    in a comment) sends the statement to be rendered. Either way: the positions libcst gives."""
    code = ("import torch\n"
            "class Net:\n"
            "    def f(self):\n"
            "        a = drop(0.1)  # drop(0.2)\n"
            "        b = drop(0.2)\n"
            "        c = once(1) + drop(0.1)\n"
            "x = only(3)\n")
    file_index = build(code)
    nodes = [*file_index.calls, *(a for c in file_index.calls for a in c.args)]
    starts = [1, 2, 7]
    from_text = index.positions(file_index, nodes, (code.encode(), starts))
    assert from_text == index.positions(file_index, nodes)
    assert from_text == expected_positions(file_index.module, nodes)
    assert from_text[calls(file_index, "only")[0]] == (7, 5)
