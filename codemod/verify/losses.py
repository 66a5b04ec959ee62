"""Reading losses from a training command's output, one line at a time (linear in the output).

Each line comes from a source: a process rank (None for a single process, or a line whose rank is
not known) and a stream. Each loss on a line is judged on its own, from its name (`loss`, `val_loss`,
`Loss/train`, `Loss_D`), the word just before it (`train loss`, `D loss`, `[Avg] loss`), the text
since the previous loss and the text before the line's first loss: an evaluation (`val`, `valid`,
`validate`, `validation`, `eval`, `test`, `dev`), a training loss, or no loss at all (`loss_scale`).
Every (rank, stream, name) is a series of its own, so two values of one line never share a series,
ranks never mix, and the order in which stdout and stderr are read never matters. A value is keyed
by the step counter its line prints (`step 5`, `iter 5`, `[5/100]`, `epoch 1 step 5`, a progress
bar's `5/100`): a counter printed again is the same step (a progress bar redrawn), a counter going
back starts a new epoch. A value remembers its printed precision (`6.91`: 0.01), so a verdict can
say what the printing could not show.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

NUMBER = r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf|infinity)"
TENSOR_PREFIX = r"(?:tensor\(|array\(|Tensor\([^)]*?value=\s*)?\[*\s*"
# MindSpore's LossMonitor: "epoch: 1 step: 2, loss is 2.30"; its per-epoch lines (sink mode) are told apart
LOSS_MONITOR = re.compile(r"epoch:\s*(\d+)\s+step:\s*(\d+),\s*loss is\b", re.IGNORECASE)
# a word holding "loss" ("loss", "val_loss", "Loss/train", "train_loss_step", "Loss_D"); checked by parts below
TOKEN = re.compile(r"(?:[A-Za-z0-9_/]|\.(?=\w))*loss(?:[A-Za-z0-9_/]|\.(?=[A-Za-z_]))*", re.IGNORECASE)
# what follows a loss's name up to its value: "loss: 2.3", "loss=2.3", "loss is 2.3", "'loss': 2.3",
# '"loss": "9.210"', "loss: [0.69]", "Loss = tensor(2.3026, grad_fn=...)", "loss 2.1 (2.3)"
VALUE = re.compile(r"""['"]?\s*(?:[:=]|\bis\b|->)?\s*['"]?\s*""" + TENSOR_PREFIX + "(" + NUMBER + r")(?!\w)(?!\.\d)",
                   re.IGNORECASE)
# the word just before a name, which joins it: "train loss", "val loss", "[D loss", "[Avg] loss", "lm loss"
QUALIFIER = re.compile(r"(?:^|[\s\[(|,;])[\[(]?([A-Za-z][A-Za-z0-9]*)[\])]?[ \t]$")
NOT_QUALIFIERS = {"the", "a", "an", "is", "of", "and", "or", "with", "per", "at", "in", "on", "to", "for", "step",
                  "steps", "iter", "iteration", "it", "batch", "epoch", "s", "ms", "us"}
LOSS_PART = re.compile(r"loss(?:es)?\d*", re.IGNORECASE)
CAMEL_LOSS = re.compile(r"[A-Za-z0-9]*[a-z0-9A-Z](?:Loss|LOSS)(?:es)?\d*")  # CELoss, NLLLoss, TotalLoss
NOT_A_LOSS = {"scale", "scaler", "weight", "weights", "coef", "coeff", "factor", "fn", "func"}  # loss_scale, loss_weight
EVALUATION = {"val", "valid", "validate", "validation", "validating", "eval", "evaluate", "evaluation", "evaluating",
              "test", "testing", "dev"}
TRAINING = {"train", "training", "trn"}
EVALUATION_WORD = re.compile(r"\b(?:" + "|".join(sorted(EVALUATION)) + r")\b", re.IGNORECASE)
TRAINING_WORD = re.compile(r"\b(?:" + "|".join(sorted(TRAINING)) + r")\b", re.IGNORECASE)
# a record that summarises steps rather than being one: "[Train][Epoch 1/120][Avg]CELoss: 6.41", "epoch 3 mean ..."
AGGREGATE = re.compile(r"(?<![A-Za-z0-9])(avg|average|mean|summary)(?![A-Za-z0-9])", re.IGNORECASE)
MAIN_NAMES = ("loss", "total_loss", "total loss", "losses", "train_loss", "train loss", "training loss",
              "train/loss", "loss/train", "train_loss_step")

# step counters, read before a line's first loss: "step 5", "step: 5", "iter 5", "iteration 10/ 1000",
# "Batch 5/938", "[5/100]", "[ 10/5005]", "[640/60000 (1%)]", fairseq's "epoch 001:  10 / 100"
STEP = re.compile(r"\b(?:global[_ ]?step|steps?|iters?|iteration|it|batch)\b['\"]?\s*[:=#]?\s*['\"]?\s*\[?\s*"
                  r"(\d+)(?!\d|\.\d)(?:\s*/\s*(\d+))?", re.IGNORECASE)
BRACKET = re.compile(r"\[\s*(\d+)\s*/\s*(\d+)\s*[\](]")
FAIRSEQ = re.compile(r"\bepoch\s+\d+:\s+(\d+)\s*/\s*(\d+)\b")
EPOCH = re.compile(r"\bepoch\b['\"]?\s*[:=#]?\s*['\"]?\s*[\[(]?\s*(\d+)(?!\d|\.\d)", re.IGNORECASE)
MMENGINE_EPOCH = re.compile(r"\bEpoch\(\w+\)\s*\[(\d+)\]")
EPOCH_HEADER = re.compile(r"^\W*epoch\s*[:#]?\s*(\d+)(?:\s*/\s*\d+)?\W*$", re.IGNORECASE)  # Keras' "Epoch 2/5"
# a line that opens an evaluation, whose loss lines look like training ones (Paddle's "Eval begin..."), and
# one that closes it ("Eval samples: 64", "Validation done"); an epoch header closes it too
EVALUATION_OPENS = re.compile(r"^\s*(?:(?:eval|evaluation|validation|test)\s+(?:begins?|start(?:s|ed|ing)?)\b|"
                              r"(?:evaluating|validating|testing)\b[\s.:\u2026]*$|"
                              r"(?:eval|evaluation|validation|test)\s*(?:\.\.\.|:)?\s*$)", re.IGNORECASE)
EVALUATION_CLOSES = re.compile(r"^\s*(?:eval|evaluation|validation|test)\b.*\b(?:samples|results?|done|end|ended|"
                               r"finished|completed?|summary)\b|^\s*(?:train|training)\b[\s.:]*$", re.IGNORECASE)
# progress bars: Keras 2 "12/100 [==>...]", Keras 3 "12/100 ━━━━", tqdm "| 12/100 [00:01<00:09, ...]"
KERAS_BAR = re.compile(r"^\s*(\d+)/(\d+)\s+(?:\[[=>.]*\]|\u2501+)")
KERAS_EPOCH_LINE = re.compile(r"^\s*(\d+)/(\d+)\s+-\s")  # verbose=2: one line at the end of each epoch
TQDM_BAR = re.compile(r"\|\s*(\d+)/(\d+)\s*\[")

# a line that is only a printed number, tensor or array: "0.6931", "tensor(0.6931, grad_fn=<...>)", "[2.3025851]"
BARE = re.compile(r"^\s*(" + TENSOR_PREFIX + ")(" + NUMBER + r")\s*\]*(?:,[^)]*)?\)?\s*$", re.IGNORECASE)
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\x08\x00]")
# rank prefixes put on each line by launchers: torchrun --tee "[default0]:", "[rank0]:",
# mpirun --tag-output "[1,0]<stdout>:"
RANK_PREFIXES = (
    re.compile(r"^\[\d+,(\d+)\]<std(?:out|err|diag)>:\s?"),
    re.compile(r"^\[(?:rank|Rank|RANK)\s*(\d+)\]:?\s?"),
    re.compile(r"^\[[A-Za-z_][A-Za-z0-9_]*?(\d+)\]:\s?"),
)


@dataclass(frozen=True)
class Source:
    """Where a line came from: the process's rank (None: one process, or not known), its stream, and
    whether reprofix's own per-process channel brought it (then the rank is the process's own)."""
    rank: int | None = None
    stream: str = "stdout"
    channel: bool = False


@dataclass(frozen=True)
class SeriesId:
    rank: int | None
    stream: str
    name: str

    def sort_key(self) -> tuple:
        return (-1 if self.rank is None else self.rank, self.stream != "stdout", self.name)

    def label(self, ranked: bool) -> str:
        return f"rank {self.rank} {self.name}" if ranked and self.rank is not None else self.name


@dataclass
class Series:
    """One series' values in the order printed, each with its key (the printed step counter, or its
    position), the counter as printed, and the printed precision."""
    keys: list = field(default_factory=list)
    values: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)  # 10 ** -decimals of the printed value; None for nan/inf
    counters: list = field(default_factory=list)  # "epoch 1 step 5", "12/100", or None
    paired: list = field(default_factory=list)  # the value stood beside an evaluation loss on its line
    bar: bool = False  # read from a progress bar
    aggregate: bool = False  # an average over steps (`[Avg]CELoss`, `average loss`), not a step's own
    gaps: bool = False  # a progress bar whose printed batches skip some: it is redrawn on a timer
    anchors: int = 0  # values at a batch every run prints: a bar's first and last batch of an epoch
    cycle: int = 0
    last: tuple | None = None
    target: int | None = None  # the latest counter's total (100 in "12/100")
    conflict: tuple | None = None  # (counter, value, other value): a counter printed again with another loss

    def add(self, key, counter, value: float, resolution, paired: bool, bar: bool, target) -> bool:
        """Add a value; False when its counter was printed just before (the same step, redrawn). The
        same counter again with another loss is not a redraw: several processes printing alike."""
        if key is None:
            if self.last is not None:
                return False  # among values keyed by a step counter, one without is a summary, not a step
            key = (-1, -1, len(self.values))
        else:
            if bar and key[1] == 0:
                return False  # a bar before its first step shows the last epoch's values
            if self.last is not None and key == self.last:
                if bar:  # redrawn: its last drawing is the step's own (tqdm draws the count, then the postfix)
                    self.values[-1], self.resolutions[-1] = value, resolution
                    return False
                earlier = self.values[-1]
                if self.conflict is None and not (earlier == value or earlier != earlier and value != value) \
                        and abs(earlier - value) > max(resolution or 0, self.resolutions[-1] or 0):
                    self.conflict = (counter, earlier, value)
                return False
            if self.last is not None and key < self.last:
                self.cycle += 1
            previous, self.last, self.target = self.last, key, target
            if bar and previous is not None and previous[0] == key[0] and key[1] > previous[1] + 1:
                self.gaps = True
            if bar and (key[1] <= 1 or key[1] == target):
                self.anchors += 1
            key = (self.cycle, *key)
        self.bar = self.bar or bar
        self.keys.append(key)
        self.values.append(value)
        self.resolutions.append(resolution)
        self.counters.append(counter)
        self.paired.append(paired)
        return True

    def ready(self, steps: int) -> bool:
        """Enough values for `steps` steps that every run prints (a timed bar: its first and last batches),
        each final: a bar's latest value may still be redrawn until its counter moves on."""
        if not self.bar:
            return len(self.values) >= steps
        counted = self.anchors if self.gaps else len(self.values)
        return counted - (0 if self.settled() else 1) >= steps

    def settled(self) -> bool:
        """Is the latest value final? A bar's is once it shows the epoch's last batch."""
        return not self.bar or (self.last is not None and self.last[1] == self.target)

    def unsettle(self) -> None:
        """Drop a bar's latest value if the run was stopped before it could be redrawn (it may show the
        step before's loss)."""
        if self.values and not self.settled():
            for column in (self.keys, self.values, self.resolutions, self.counters, self.paired):
                column.pop()


@dataclass
class Found:
    name: str
    value: float
    resolution: float | None
    kind: str  # "train" (named as training), "plain", "eval"
    start: int = 0  # where its name starts on the line
    end: int = 0  # where its value ends


class LossReader:
    """Losses per series, fed one line at a time with its source. With a user pattern (one capture
    group), that pattern alone decides what a loss is."""

    def __init__(self, pattern: re.Pattern | None = None):
        self.pattern = pattern
        self._series: dict = {}  # (channel, SeriesId) -> Series
        self.epochs: list = []  # (epoch, step) of LossMonitor lines
        self.bare: dict = {}  # Source -> [(value, resolution)]
        self.bare_integers = 0  # bare integer lines seen: a step counter, never a loss
        self.evaluation_lines = 0
        self.context_epoch: dict = {}  # Source -> the epoch of the last "Epoch 2/5" line
        self.evaluating: set = set()  # sources inside an evaluation ("Eval begin..." up to "Eval samples: 64")
        self.world = 0  # processes announced by the per-process channels (WORLD_SIZE)
        self.channels = False  # a rank process connected its channel: the launcher's own output is a copy
        self.ranks_seen: set = set()

    def feed(self, line: str, source: Source = Source()) -> list:
        """The (SeriesId, value) pairs this line gives."""
        text = ESCAPES.sub("", line)
        if source.rank is None:
            rank, text = rank_prefix(text)
            if rank is not None:
                source = Source(rank, source.stream, source.channel)
        if source.channel:
            self.ranks_seen.add(source.rank)
        if self.pattern is not None:
            match = self.pattern.search(text)
            found = [Found("loss", number(match.group(1)), resolution(match.group(1)), "plain", match.start(),
                           match.end())] if match else []
            return self._add_record(source, text[:match.start()] if match else "", found)
        monitor = LOSS_MONITOR.search(text)
        if monitor:
            self.epochs.append((int(monitor.group(1)), int(monitor.group(2))))
        found, first = named_losses(text)
        if first is None:
            self._section(source, text)
            self._bare_loss(source, text)
            return []
        if source in self.evaluating:
            found = [Found(f.name, f.value, f.resolution, "eval", f.start, f.end) for f in found]
        if found and all(f.kind == "eval" for f in found):
            self.evaluation_lines += 1
        return self._add(source, text, found)

    def _section(self, source: Source, text: str) -> None:
        """A line without a loss may open an epoch or an evaluation, or close one."""
        header = EPOCH_HEADER.match(text)
        if header:
            self.context_epoch[source] = int(header.group(1))
            self.evaluating.discard(source)
        elif EVALUATION_OPENS.match(text):
            self.evaluating.add(source)
        elif EVALUATION_CLOSES.match(text):
            self.evaluating.discard(source)

    def _add(self, source: Source, text: str, found: list) -> list:
        """Add a line's losses: one record, or several when a name comes back on the line (records
        written with no line end between them), each keyed by the counters before it."""
        added, record, start = [], [], 0
        for f in found:
            if any(f.name == other.name for other in record):
                added += self._add_record(source, text[start:record[0].start], record)
                start, record = record[-1].end, []
            record.append(f)
        if record:
            added += self._add_record(source, text[start:record[0].start], record)
        return added

    def _add_record(self, source: Source, before: str, found: list) -> list:
        kept = [f for f in found if f.kind != "eval"]
        if not kept:
            return []
        paired = any(f.kind == "eval" for f in found) and any(f.kind == "train" for f in found)
        epoch, step, target, bar, counter = counters(before)
        if epoch is None:
            epoch = self.context_epoch.get(source)
        key = None if step is None else (-1 if epoch is None else epoch, step)
        if counter is not None and epoch is not None and "epoch" not in counter.lower():
            counter = f"epoch {epoch} {counter}"
        aggregate = AGGREGATE.search(before)
        added = []
        for f in kept:
            name, res = f.name, f.resolution
            if bar == "tqdm" and res is not None and f.value and math.isfinite(f.value):
                # tqdm prints a postfix number with 3 significant digits, then pads it with zeros ("2.300")
                res = max(res, 10.0 ** (math.floor(math.log10(abs(f.value))) - 2))
            if aggregate and not name.lower().startswith(aggregate.group(1).lower()):
                name = f"{aggregate.group(1)} {name}"
            sid = SeriesId(source.rank, source.stream, name)
            series = self._series.get((source.channel, sid))
            if series is None:
                series = self._series[(source.channel, sid)] = Series()
                series.aggregate = bool(AGGREGATE.match(name))
            if series.add(key, counter, f.value, res, paired, bool(bar), target):
                added.append((sid, f.value))
        return added

    def _bare_loss(self, source: Source, text: str) -> None:
        """A line that is only a printed number: a loss when it looks like one, never a bare integer."""
        bare = BARE.match(text)
        if bare:
            value = bare.group(2)
            if bare.group(1).strip() or re.search(r"[.eEnN]", value):
                self.bare.setdefault(source, []).append((number(value), resolution(value)))
            else:
                self.bare_integers += 1

    def series(self) -> dict:
        """SeriesId -> Series, ranks first, each rank's main series first. A launcher's copy of what
        its processes printed is left out when the processes' own channels brought it; a series only
        ever printed beside an evaluation loss ("train loss X, val loss Y") is an evaluation unless it
        is all its rank prints."""
        channel = any(key[0] and s.values for key, s in self._series.items())
        chosen = {sid: s for (on_channel, sid), s in self._series.items() if s.values and on_channel == channel}
        unpaired_ranks = {sid.rank for sid, s in chosen.items() if not all(s.paired)}
        chosen = {sid: s for sid, s in chosen.items() if not (all(s.paired) and sid.rank in unpaired_ranks)}
        stepwise_ranks = {sid.rank for sid, s in chosen.items() if not s.aggregate}
        chosen = {sid: s for sid, s in chosen.items() if not (s.aggregate and sid.rank in stepwise_ranks)}
        named = {(sid.rank, sid.stream) for sid in chosen}
        for source, values in self.bare.items():
            if source.channel != channel or (source.rank, source.stream) in named:
                continue
            if counts_steps([v for v, _ in values]):
                continue
            series = Series()
            for value, res in values:
                series.add(None, None, value, res, False, False, None)
            chosen[SeriesId(source.rank, source.stream, "loss")] = series
        chosen = self._single_process(chosen)
        return dict(sorted(chosen.items(), key=lambda item: (_rank_key(item[0]), not is_main(item[0], chosen),
                                                            item[0].sort_key())))

    def _single_process(self, chosen: dict) -> dict:
        """One process told its rank by its launcher (rank 0 of 1): a single process, rank None."""
        ranks = {sid.rank for sid in chosen}
        if len(ranks) == 1 and None not in ranks and self.world <= 1 and len(self.ranks_seen) <= 1 \
                and self.ranks_seen:
            return {SeriesId(None, sid.stream, sid.name): s for sid, s in chosen.items()}
        return chosen

    def any(self) -> bool:
        return any(s.values for s in self._series.values()) or any(self.bare.values())

    def ready(self, steps: int) -> bool:
        """Has every rank that prints printed `steps` steps of its main series, and of its other series
        (or two steps more of its main one, for series printed rarely: an epoch summary)? Ranks known
        from line prefixes only: how many there are is not known, so others get two steps more to show
        up. (Ranks a launcher announced that print nothing yet: `silent`, waited for by the caller.)"""
        chosen = self.series()
        if not chosen:
            return False
        ranks: dict = {}
        for sid, series in chosen.items():
            ranks.setdefault(sid.rank, []).append((sid, series))
        missing = not self.world and any(rank is not None for rank in ranks)
        for group in ranks.values():
            main = next((s for sid, s in group if is_main(sid, chosen)), group[0][1])
            if not main.ready(steps):
                return False
            beyond = main.ready(steps + 2)
            if not beyond and (missing or any(not s.ready(steps) for _, s in group)):
                return False
        return True


    def silent(self) -> int:
        """Ranks the launcher announced (its world size) that have printed no loss yet; with ranks
        known from line prefixes only, how many there are is not known: 1 (others may still show up)."""
        printing = {sid.rank for sid in self.series()}
        if self.channels:
            return max(0, self.world - len(printing))
        return 1 if any(rank is not None for rank in printing) else 0


def _rank_key(sid: SeriesId) -> int:
    return -1 if sid.rank is None else sid.rank


def is_main(sid: SeriesId, chosen: dict) -> bool:
    """The series a rank's verdict is mostly about: `loss` (then `total_loss`, ...), on stdout first,
    else the rank's first."""
    same_rank = [other for other in chosen if other.rank == sid.rank]
    return main_of(same_rank) == sid


def main_of(ids: list) -> SeriesId | None:
    for name in MAIN_NAMES:
        for stream in ("stdout", "stderr"):
            for sid in ids:
                if sid.name.lower() == name and sid.stream == stream:
                    return sid
    return ids[0] if ids else None


def rank_prefix(text: str) -> tuple:
    """(rank, the line without it) for a line a launcher prefixed; (None, the line) otherwise."""
    for prefix in RANK_PREFIXES:
        match = prefix.match(text)
        if match:
            return int(match.group(1)), text[match.end():]
    return None, text


def named_losses(text: str) -> tuple:
    """The losses a line names, each judged (training, plain, evaluation), and where the first name
    starts (None: the line names no loss)."""
    found: list = []
    first = None
    previous_end = 0
    for token in TOKEN.finditer(text):
        name = token.group(0)
        if not is_loss_name(name):
            continue
        value = VALUE.match(text, token.end())
        if value is None:
            continue
        start = token.start()
        qualifier = QUALIFIER.search(text, max(0, start - 40), start)
        if qualifier is not None and qualifier.group(1).lower() not in NOT_QUALIFIERS:
            name = f"{qualifier.group(1)} {name}"
            start = qualifier.start(1)
        if first is None:
            first = start
        own = set(re.split(r"[_/. ]", name.lower())) | words(text[previous_end:start])
        kind = _kind(own, words(text[:first]))
        found.append(Found(name, number(value.group(1)), resolution(value.group(1)), kind, start, value.end()))
        previous_end = value.end()
    return found, first


def _kind(own: set, line_start: set) -> str:
    if own & EVALUATION:
        return "eval"
    if own & TRAINING:
        return "train"
    return "eval" if line_start & EVALUATION else "plain"


def words(text: str) -> set:
    """The whole words of a stretch of a line that say training or evaluation (`val_acc` is not one)."""
    return {w.lower() for w in EVALUATION_WORD.findall(text)} | {w.lower() for w in TRAINING_WORD.findall(text)}


def is_loss_name(name: str) -> bool:
    """`loss`, `val_loss`, `Loss/train`, `decode.loss_ce`, `Loss_D`, and CamelCase ones (`CELoss`); not
    `lossless`, `loss_scale`, `loss_weight`."""
    parts = [p for p in re.split(r"[_/.]", name) if p]
    return any(LOSS_PART.fullmatch(p) or CAMEL_LOSS.fullmatch(p) for p in parts) \
        and not any(p.lower() in NOT_A_LOSS for p in parts)


def counters(text: str) -> tuple:
    """(epoch, step, the step's total, the progress bar it was read from ("keras", "tqdm") or None, the
    counter as printed) from the text before a line's first loss."""
    epoch = None
    match = MMENGINE_EPOCH.search(text) or EPOCH.search(text)
    if match:
        epoch = int(match.group(1))
    for pattern, bar in ((KERAS_BAR, "keras"), (TQDM_BAR, "tqdm"), (KERAS_EPOCH_LINE, None), (FAIRSEQ, None)):
        match = pattern.search(text)
        if match:
            return epoch, int(match.group(1)), int(match.group(2)), bar, f"{match.group(1)}/{match.group(2)}"
    step = STEP.search(text)
    if step:
        target = int(step.group(2)) if step.group(2) else None
        word = re.match(r"[A-Za-z_ ]*[A-Za-z_]", step.group(0)).group(0)
        return epoch, int(step.group(1)), target, None, f"{word} {step.group(1)}" + (f"/{target}" if target else "")
    brackets = BRACKET.findall(text)
    if brackets:
        if len(brackets) > 1 and epoch is None:
            epoch = int(brackets[-2][0])
        done, total = brackets[-1]
        return epoch, int(done), int(total), None, f"[{done}/{total}]"
    return epoch, None, None, None, None


def counts_steps(values: list) -> bool:
    """Whole numbers going up by the same amount (1.0, 2.0, 3.0) are a counter, not a loss."""
    if len(values) < 2 or not all(v == v and v not in (float("inf"), float("-inf")) and v == int(v) for v in values):
        return False
    step = values[1] - values[0]
    return step > 0 and all(b - a == step for a, b in zip(values, values[1:]))


def number(text: str) -> float:
    return float(text.lower().replace("infinity", "inf"))


def resolution(text: str) -> float | None:
    """The value of the last printed digit: 0.01 for "6.91", 1e-4 for "2.3026", 1 for "1.0E+01"."""
    lower = text.lower().lstrip("+-")
    if lower.startswith(("nan", "inf")):
        return None
    mantissa, _, exponent = lower.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** ((int(exponent) if exponent else 0) - decimals)


def parse_losses(lines: list, pattern: re.Pattern | None = None) -> tuple:
    """The main series of losses in these lines (one process, stdout), and LossMonitor's (epoch, step) pairs."""
    reader = LossReader(pattern)
    for line in lines:
        reader.feed(line)
    chosen = reader.series()
    return (next(iter(chosen.values())).values if chosen else []), reader.epochs
