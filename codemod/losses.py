"""Reading losses from a training command's output, one line at a time (linear in the output).

Never fooled: a bare number counts as a loss only when it looks like one (a printed float, tensor
or array; never a bare integer such as a step counter); evaluation and validation losses are not
training steps. Never blind: `step: 1, losses: 2.41`, several named losses on one line
(`Loss_D: 1.62 Loss_G: 4.92`, each its own series), Keras progress lines, MindSpore's LossMonitor.
"""

from __future__ import annotations

import re

NUMBER = r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf|infinity)"
TENSOR_PREFIX = r"(?:tensor\(|array\(|Tensor\([^)]*?value=\s*)?\[*\s*"
# MindSpore's LossMonitor: "epoch: 1 step: 2, loss is 2.30" (older: "loss is Tensor(..., value= 2.30)")
LOSS_MONITOR = re.compile(
    r"epoch:\s*(\d+)\s+step:\s*(\d+),\s*loss is\s*(?:\(?Tensor\([^)]*?value=\s*)?\[?\s*(" + NUMBER + r")",
    re.IGNORECASE,
)
# "loss: 2.3", "losses: 2.41", "loss=2.3", "loss 2.3", "'loss': 2.3", "train_loss", "Loss_D: 1.62", "g_loss 0.3",
# "Loss = tensor(2.3, grad_fn=...)", "loss is [2.3]"
NAMED = re.compile(
    r"(?<![\w])((?:[a-z][a-z0-9]*_)*loss(?:es)?(?:_[a-z0-9]+)*)\b['\"]?\s*(?:[:=]|is)?\s*" + TENSOR_PREFIX
    + "(" + NUMBER + r")(?![\w.])",
    re.IGNORECASE,
)
# a line that is only a printed number, tensor or array: "0.6931", "tensor(0.6931, grad_fn=<...>)", "[2.3025851]"
BARE = re.compile(r"^\s*(" + TENSOR_PREFIX + ")(" + NUMBER + r")\s*\]*(?:,[^)]*)?\)?\s*$", re.IGNORECASE)
# words that make a line an evaluation, when they come before its loss: "Test set: Average loss: 0.03"
EVALUATION = re.compile(r"\b(?:test|testing|val|valid|validation|validating|eval|evaluation|evaluating|dev)\b",
                        re.IGNORECASE)
NOT_TRAINING = ("val_", "valid_", "validation_", "test_", "eval_", "dev_")
NOT_A_LOSS = ("scale", "scaler", "weight")  # MindSpore's loss_scale, a loss_weight hyper-parameter
PRIMARY = {"loss", "losses", "train_loss", "training_loss", "train_losses"}


def series_name(name: str) -> str | None:
    """The series a named loss belongs to; None for evaluation losses and things that are not losses."""
    lower = name.lower()
    if lower.startswith(NOT_TRAINING) or lower.rpartition("_")[2] in NOT_A_LOSS:
        return None
    return "loss" if lower in PRIMARY else name


class LossReader:
    """Losses per series, fed one line at a time. With a user pattern (one capture group), that
    pattern alone decides."""

    def __init__(self, pattern: re.Pattern | None = None):
        self.pattern = pattern
        self.named: dict[str, list[float]] = {}
        self.epochs: list[tuple[int, int]] = []  # (epoch, step) of LossMonitor lines
        self.bare: list[float] = []
        self.bare_integers = 0  # bare integer lines seen: a step counter, never a loss
        self.evaluation_lines = 0

    def feed(self, line: str) -> list[tuple[str, float]]:
        """The (series, loss) pairs this line gives."""
        if self.pattern is not None:
            match = self.pattern.search(line)
            return self._add([("loss", number(match.group(1)))] if match else [])
        monitor = LOSS_MONITOR.search(line)
        if monitor:
            self.epochs.append((int(monitor.group(1)), int(monitor.group(2))))
            return self._add([("loss", number(monitor.group(3)))])
        losses = self._named_losses(line)
        return self._bare_loss(line) if losses is None else losses

    def _named_losses(self, line: str) -> list[tuple[str, float]] | None:
        """The training losses a line names (none on an evaluation line); None if it names no loss."""
        found = []
        first = None
        for match in NAMED.finditer(line):
            first = match.start() if first is None else first
            name = series_name(match.group(1))
            if name is not None:
                found.append((name, number(match.group(2))))
        if first is None:
            return None
        if found and EVALUATION.search(line, 0, first):
            self.evaluation_lines += 1
            return []
        return self._add(found)

    def _bare_loss(self, line: str) -> list[tuple[str, float]]:
        """A line that is only a printed number: a loss when it looks like one, never a bare integer."""
        bare = BARE.match(line)
        if bare:
            text = bare.group(2)
            if bare.group(1).strip() or re.search(r"[.eEnN]", text):
                self.bare.append(number(text))
                return [("loss", self.bare[-1])] if not self.named else []
            self.bare_integers += 1
        return []

    def _add(self, found: list[tuple[str, float]]) -> list[tuple[str, float]]:
        for name, value in found:
            self.named.setdefault(name, []).append(value)
        return found

    @property
    def series(self) -> dict[str, list[float]]:
        """Named losses if any were printed; else bare printed floats, unless they count steps."""
        if self.named:
            return self.named
        if self.bare and not counts_steps(self.bare):
            return {"loss": self.bare}
        return {}

    def count(self) -> int:
        """Steps with a loss in every series seen so far."""
        if self.named:
            return min(len(values) for values in self.named.values())
        return len(self.bare)


def counts_steps(values: list[float]) -> bool:
    """Whole numbers going up by the same amount (1.0, 2.0, 3.0) are a counter, not a loss."""
    if len(values) < 2 or not all(v == v and v not in (float("inf"), float("-inf")) and v == int(v) for v in values):
        return False
    step = values[1] - values[0]
    return step > 0 and all(b - a == step for a, b in zip(values, values[1:]))


def number(text: str) -> float:
    return float(text.lower().replace("infinity", "inf"))


def parse_losses(lines: list[str], pattern: re.Pattern | None = None) -> tuple[list[float], list[tuple[int, int]]]:
    """The main series of losses in these lines, and LossMonitor's (epoch, step) pairs."""
    reader = LossReader(pattern)
    for line in lines:
        reader.feed(line)
    series = reader.series
    return (next(iter(series.values())) if series else []), reader.epochs
