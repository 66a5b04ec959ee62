"""transforms.codegen: libcst's code generation at less cost, byte for byte libcst's own output."""

from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTCodegenError
from libcst.metadata import MetadataWrapper, PositionProvider

from transforms import codegen, cstutil

ROOT = Path(__file__).resolve().parents[1]
CODE = (
    "#!/usr/bin/env python\n"
    "# a header comment\n"
    "\n"
    "import torch  # trailing\n"
    "\n"
    "\n"
    "# a comment above a decorated class\n"
    "@register(name='net')\n"
    "@other\n"
    "class Net(torch.nn.Module):\n"
    "    '''Docstring.'''\n"
    "\n"
    "    def forward(self, x):\n"
    "        return (torch.relu(x, *rest, **options)\n"
    "                + torch.tanh(x))  # why\n"
    "x = f(a, key=g(1), other=h(\n"
    "    2,\n"
    "), last=k(3)); y = 1\n"
    "if cond:\n"
    "    z = [p(5), q(6)]\n"
    "else:\n"
    "    pass\n"
    "# a footer comment\n"
)


def every_node(module: cst.Module) -> list[cst.CSTNode]:
    found = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node):
            found.append(node)
            return True

    module.visit(Collect())
    return found


@pytest.mark.parametrize("path", ["codemod/engine.py", "transforms/parse/index.py", "samples/mindspore_train.py"])
def test_code_is_libcsts_own(path):
    module = cst.parse_module((ROOT / path).read_bytes())
    for node in every_node(module)[:3000]:
        try:
            expected = module.code_for_node(node)
        except CSTCodegenError:  # (a part that renders only in its parent, as an annotation)
            with pytest.raises(CSTCodegenError):
                codegen.code(module, node)
            continue
        assert codegen.code(module, node) == expected
    assert codegen.module_bytes(module) == module.bytes


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_positions_are_libcsts_own_for_every_node(newline):
    """Every node of every top-level statement, each statement rendered once from its first line:
    where PositionProvider puts it (a node in parentheses: at its parenthesis)."""
    module = cst.parse_module(CODE.replace("\n", newline))
    where = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    line = 1 + len(module.header)
    for statement in module.body:
        nodes = [statement] + [n for n in every_node(statement) if n is not statement]
        code, found = codegen.positions(module, statement, line, nodes)
        assert code == module.code_for_node(statement)
        for node in nodes:
            if not getattr(node, "lpar", None):
                assert found[node] == (where[node].start.line, where[node].start.column + 1), module.code_for_node(node)
        line += code.count("\n")
    call = module.body[1].body.body[1].body.body[0].body[0].value  # `(torch.relu(...) + ...)`
    assert codegen.positions(module, module.body[1], 5, [call])[1][call] == (14, 16)  # (the class's lines start at 5)


def rewrite_second_statement(module: cst.Module) -> cst.Module:
    body = list(module.body)
    body[1] = cst.parse_statement("x = 2\n")
    return module.with_changes(body=body)


def starts_of(code: str, module: cst.Module) -> list[int]:
    """The line where each top-level statement's code starts (as a skeleton records them)."""
    line, starts = 1 + len(module.header), []
    for statement in module.body:
        starts.append(line + len(statement.leading_lines))
        line += module.code_for_node(statement).count("\n")
    return starts


@pytest.mark.parametrize("code", [
    CODE,
    CODE.replace("\n", "\r\n"),
    CODE.rstrip("\n"),  # no newline at the end: the footer comment is the last line
    CODE.replace("# a footer comment\n", ""),  # the last statement ends the file
    "import a\nx = 1\ny = 3",  # ... without a newline
    "import a\n\n\nx = 1\n# between\ny = 3\n\n\n",
])
def test_a_rewrite_copies_what_it_kept_and_renders_the_rest(code):
    module = cst.parse_module(code)
    new = rewrite_second_statement(module)
    text = code.encode()
    assert codegen.rewritten(module, new, text, starts_of(code, module)) == new.bytes
    dropped = module.with_changes(body=module.body[1:])  # the first statement removed
    assert codegen.rewritten(module, dropped, text, starts_of(code, module)) == dropped.bytes
    last = module.with_changes(body=[*module.body[:-1], cst.parse_statement("w = 0\n")])  # the last one changed
    assert codegen.rewritten(module, last, text, starts_of(code, module)) == last.bytes
    headed = new.with_changes(header=[cst.EmptyLine(comment=cst.Comment("# new"))])
    assert codegen.rewritten(module, headed, text, starts_of(code, module)) == headed.bytes


def test_lines_that_do_not_fit_the_module_render_it_whole():
    module = cst.parse_module(CODE)
    new = rewrite_second_statement(module)
    starts = starts_of(CODE, module)
    for wrong in ([s + 1 for s in starts], starts[:-1], [starts[0], starts[0], *starts[2:]]):
        assert codegen.rewritten(module, new, CODE.encode(), wrong) == new.bytes


def test_only_the_changed_statements_are_rendered(monkeypatch):
    module = cst.parse_module(CODE)
    new = rewrite_second_statement(module)
    rendered = []
    render = codegen.code
    monkeypatch.setattr(codegen, "code", lambda m, node: rendered.append(node) or render(m, node))
    assert codegen.rewritten(module, new, CODE.encode(), starts_of(CODE, module)) == new.bytes
    assert rendered == [new.body[1]]


@pytest.mark.parametrize("path", ["codemod/engine.py", "samples/mindspore_train.py"])
def test_the_parse_without_validation_builds_libcsts_own_tree_and_validation_comes_back(path):
    code = (ROOT / path).read_bytes()
    assert cstutil.parse_module(code).deep_equals(cst.parse_module(code))
    with pytest.raises(cst.CSTValidationError):  # nodes built afterwards are validated again
        cst.Name("not a name")
    with pytest.raises(cst.ParserSyntaxError):
        cstutil.parse_module(b"def (:\n")
    with pytest.raises(cst.CSTValidationError):  # ... also after a parse that failed
        cst.Name("not a name")
