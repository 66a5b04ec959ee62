"""Real training-log formats, written from each tool's own source (format strings and the bytes it
writes to a pipe, not to a terminal), for tests/test_log_formats.py.

Each format renders one run's output from that run's training losses. While rendering it notes
every training loss it prints, as text, with the step it belongs to: the ground truth a person
reading the log would compare, independent of reprofix's reader. Evaluation losses are printed
too, and kept equal between runs, so that a reader mistaking them for steps is caught.

Sources (file and line numbers are those read for this corpus):
- MindSpore 2.10 LossMonitor / TimeMonitor: mindspore/train/callback/_loss_monitor.py l. 92,
  _time_monitor.py l. 125-138 (installed package).
- Keras 3.15 Progbar: keras/src/utils/progbar.py (installed); tf_keras Progbar: tf_keras/utils/generic_utils.py.
- Hugging Face transformers Trainer 4.57 and 5.25: trainer.py (loss logs), trainer_callback.py.
- Lightning 2.6 TQDMProgressBar (progress/tqdm_progress.py); Lightning 1.9.5 (running-mean `loss=`).
- timm train.py l. 1405-1424 and validate() l. 1517-1525; nanoGPT train.py l. 265, 321-327.
- fairseq logging/progress_bar.py (simple and json); detectron2 utils/events.py CommonMetricPrinter.
- mmengine runner/log_processor.py; Megatron-LM training.py training_log and evaluate_and_print_results.
- DeepSpeed runtime/pipe/engine.py l. 396-406; PaddleClas ppcls/engine/train/utils.py log_info;
  PaddleDetection ppdet/engine/callbacks.py; PaddleSeg paddleseg/core/train.py; Paddle hapi
  callbacks.py ProgBarLogger and progressbar.py (installed 3.3).
- PyTorch-GAN implementations/gan/gan.py, cyclegan.py, srgan.py; pytorch/examples dcgan, mnist,
  imagenet main.py.
- torchrun elastic/multiprocessing/tail_log.py (`[default0]:`), distributed_c10d.py (`[rank0]: `);
  Open MPI iof_base_output.c (`[1,0]<stdout>:`) and PMIx pmix_iof.c (`[1,0]<stdout>: `).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BASE = [2.302585, 2.241703, 2.183615, 2.102734, 2.051149, 1.987406]  # the losses of run 1, step by step
EVAL = [2.2981, 2.1375]  # evaluation losses, the same in every run


@dataclass
class Log:
    """One run's output, and the training losses it printed (the ground truth)."""
    stdout: str = ""
    stderr: str = ""
    printed: dict = field(default_factory=dict)  # (rank, series) -> [(step key, printed text, digits or None)]

    def out(self, text: str) -> None:
        self.stdout += text

    def err(self, text: str) -> None:
        self.stderr += text

    def loss(self, series: str, key, text: str, rank: int | None = None, digits: int | None = None) -> str:
        """Note a printed training loss; `digits`: the significant digits it really has, where padding
        adds zeros that are not digits (tqdm's `2.300` is `2.30`)."""
        self.printed.setdefault((rank, series), []).append((key, text, digits))
        return text


@dataclass
class Format:
    name: str
    render: object  # (values, log, run) -> None; values: the run's losses per step
    ranks: int = 1  # several ranks: each rank's values are the run's, shifted by the rank


FORMATS: list = []


def fmt(name: str, ranks: int = 1):
    def register(render):
        FORMATS.append(Format(name, render, ranks))
        return render
    return register


def g(value: float, spec: str) -> str:
    return format(value, spec)


# --- MindSpore ---------------------------------------------------------------------------------------

@fmt("mindspore-lossmonitor")
def mindspore_loss_monitor(values, log, run):
    """LossMonitor(1): `print("epoch: %s step: %s, loss is %s" % (...), flush=True)`, the loss a Python
    float printed with %s (its repr); TimeMonitor after each epoch."""
    for i, v in enumerate(values):
        epoch, step = i // 3 + 1, i % 3 + 1
        value = repr(float(f"{v:.9g}"))
        log.out(f"epoch: {epoch} step: {step}, loss is {log.loss('loss', i, value)}\n")
        if step == 3:
            log.out("Train epoch time: 230.806 ms, per step time: 57.701 ms\n")


@fmt("mindspore-fit-eval")
def mindspore_fit(values, log, run):
    """Model.fit with valid data: LossMonitor's step lines, TimeMonitor for train and eval, and the
    epoch's `Eval result:` line; a tuple output prints the loss as a Tensor (`0.68301237`)."""
    for i, v in enumerate(values):
        epoch, step = i // 3 + 1, i % 3 + 1
        log.out(f"epoch: {epoch} step: {step}, loss is {log.loss('loss', i, f'{v:.8g}')}\n")
        if step == 3:
            log.out("Eval epoch time: 42.918 ms, per step time: 10.729 ms\n"
                    f"Eval result: epoch {epoch}, metrics: {{'loss': {EVAL[epoch - 1]}, 'acc': 0.53125}}\n"
                    "Train epoch time: 43.416 ms, per step time: 10.854 ms\n")


# --- Keras -------------------------------------------------------------------------------------------

KERAS_SHOWN = {1: [1, 3, 5, 6], 2: [1, 2, 4, 6]}  # the batches each run's 0.05 s timer let through


def _keras_means(values, epoch: int) -> list:
    """The epoch's running means batch by batch, as Keras' metrics show them (6 batches an epoch)."""
    losses = [v + 0.1 * epoch for v in values]
    return [sum(losses[:k + 1]) / (k + 1) for k in range(6)]


@fmt("keras3-verbose1")
def keras3_progbar(values, log, run):
    """Keras 3 Progbar, verbose=1, in a pipe: `'posix' in sys.modules` makes it dynamic, so each update
    is `\\b` x (previous width) + `\\r` + an ANSI-coloured `━` bar; at most one update per 0.05 s (the
    first and last batches always): each run shows other batches. Values are the epoch's running
    means (`.4f`); the last update ends with `\\n`, then the epoch's end redraws it with val_loss."""
    for epoch in range(2):
        log.out(f"Epoch {epoch + 1}/2\n")
        width, means = 0, _keras_means(values, epoch)
        for batch in KERAS_SHOWN[run]:
            prog = int(20 * batch / 6)
            bar = f"\x1b[1m{batch}/6\x1b[0m \x1b[32m{'━' * prog}\x1b[0m\x1b[37m{'━' * (20 - prog)}\x1b[0m"
            text = log.loss("loss", (epoch, batch), f"{means[batch - 1]:.4f}")
            info = f" \x1b[1m0s\x1b[0m 35ms/step - accuracy: 0.5000 - loss: {text}"
            log.out("\b" * width + "\r" + bar + info + ("\n" if batch == 6 else ""))
            width = len(bar) + len(info) - 33
        log.out("\b" * width + "\r" + bar + f" \x1b[1m0s\x1b[0m 37ms/step - accuracy: 0.5000 - loss: {text} - "
                f"val_accuracy: 0.3906 - val_loss: {EVAL[epoch]:.4f}\n")


@fmt("keras3-verbose2")
def keras3_verbose2(values, log, run):
    """verbose=2: one line per epoch, at its end: `6/6 - 0s - 37ms/step - accuracy: ... - loss: ... -
    val_loss: ...`, after an `Epoch 1/6` line."""
    for epoch, v in enumerate(values):
        log.out(f"Epoch {epoch + 1}/6\n6/6 - 0s - 37ms/step - accuracy: 0.4844 - loss: "
                f"{log.loss('loss', epoch, f'{v:.4f}')} - val_accuracy: 0.3906 - val_loss: {EVAL[0]:.4f}\n")


@fmt("keras2-verbose1")
def tf_keras_progbar(values, log, run):
    """tf_keras Progbar, verbose=1, in a pipe: `\\b` x width + `\\r` + `3/6 [==============>....]`, the
    same timer; `- ETA: 0s - loss: 0.8924`, and at the end `- 1s 36ms/step - loss: ... - val_loss: ...`."""
    for epoch in range(2):
        log.out(f"Epoch {epoch + 1}/2\n")
        width, means = 0, _keras_means(values, epoch)
        for batch in KERAS_SHOWN[run]:
            done = int(30 * batch / 6)
            bar = f"{batch}/6 [" + "=" * (done - 1) + (">" if batch < 6 else "=") + "." * (30 - done) + "]"
            text = log.loss("loss", (epoch, batch), f"{means[batch - 1]:.4f}")
            tail = f" - ETA: 0s - loss: {text} - accuracy: 0.4844" if batch < 6 else \
                f" - 1s 36ms/step - loss: {text} - accuracy: 0.4844 - val_loss: {EVAL[epoch]:.4f} - val_accuracy: 0.39"
            log.out("\b" * width + "\r" + bar + tail + ("\n" if batch == 6 else ""))
            width = len(bar + tail)


# --- Hugging Face, Lightning --------------------------------------------------------------------------

def _hf_bar(step: int, total: int) -> str:
    done = int(10 * step / total)
    return f"\r{int(100 * step / total):3d}%|{'█' * done}{' ' * (10 - done)}| {step}/{total} [00:00<00:00, 37.63it/s]"


@fmt("hf-trainer-4")
def hf_trainer_4(values, log, run):
    """transformers 4.x: `{'loss': 0.7878, 'grad_norm': 0.6477264165878296, 'learning_rate': 4.0625e-05,
    'epoch': 0.5}` on stdout (loss rounded to 4 decimals), eval dicts, the final summary with
    `train_loss`; the tqdm bar on stderr."""
    for i, v in enumerate(values):
        log.err(_hf_bar(i + 1, 6))
        log.out(f"{{'loss': {log.loss('loss', i, repr(round(v, 4)))}, 'grad_norm': 0.6477264165878296, "
                f"'learning_rate': {5e-05 * (6 - i) / 6!r}, 'epoch': {(i + 1) / 3!r}}}\n")
        if i % 3 == 2:
            log.out(f"{{'eval_loss': {EVAL[i // 3]!r}, 'eval_runtime': 0.0029, 'eval_samples_per_second': "
                    f"10950.404, 'eval_steps_per_second': 1368.8, 'epoch': {float(i // 3 + 1)!r}}}\n")
    log.out(f"{{'train_runtime': 0.0432, 'train_samples_per_second': 2966.223, 'train_steps_per_second': 370.778, "
            f"'train_loss': {sum(values) / 6!r}, 'epoch': 2.0}}\n")


@fmt("hf-trainer-5-merged")
def hf_trainer_5(values, log, run):
    """transformers 5.x, stdout and stderr in one pipe: every number a `.4g` string (`'loss': '0.7878'`),
    each dict right after the bar's `\\r<spaces>\\r`; the eval dict glued to `\\x1b[A`."""
    for i, v in enumerate(values):
        log.out(_hf_bar(i + 1, 6) + "\r" + " " * 46 + "\r")
        log.out(f"{{'loss': '{log.loss('loss', i, f'{v:.4g}')}', 'grad_norm': '0.6477', "
                f"'learning_rate': '{5e-05 * (6 - i) / 6:.4g}', 'epoch': '{(i + 1) / 3:.4g}'}}\n")
        if i % 3 == 2:
            log.out(f"\r  0%|          | 0/4 [00:00<?, ?it/s]\x1b[A\r{' ' * 46}\r\n\r{' ' * 37}\r\x1b[A"
                    f"{{'eval_loss': '{EVAL[i // 3]:.4g}', 'eval_runtime': '0.0327', 'eval_samples_per_second': "
                    f"'979.3', 'eval_steps_per_second': '122.4', 'epoch': '{i // 3 + 1}'}}\n")
    log.out(f"\r{' ' * 47}\r{{'train_runtime': '0.4694', 'train_samples_per_second': '272.7', "
            f"'train_steps_per_second': '34.08', 'train_loss': '{sum(values) / 6:.4g}', 'epoch': '2'}}\n")


def _lightning_num(value: float) -> str:
    """tqdm's format_num as Lightning 2 pads it: `.3g`, then zeros to 5 characters."""
    text = f"{value:.3g}"
    if "." not in text and "e" not in text:
        text += "."
    return text.ljust(5, "0") if "e" not in text else text


@fmt("lightning2-tqdm")
def lightning2(values, log, run):
    """Lightning 2 TQDMProgressBar on stdout: every batch draws the bar twice, first with the count
    moved on and the previous postfix, then with the new `train_loss=`; the training phase is one
    `\\r`-separated line; validation bars `\\n\\r...\\x1b[A`; after validation the train bar again
    with `val_loss=`; the next epoch starts at `0/3` with the old postfix."""
    previous = None
    for epoch in range(2):
        for batch in range(1, 4):
            v = values[epoch * 3 + batch - 1]
            bar = f"\rEpoch {epoch}: {int(100 * batch / 3):3d}%|{'█' * (batch * 3)}{' ' * (10 - batch * 3)}| " \
                  f"{batch}/3 [00:00<00:00, 68.87it/s, v_num=1"
            if previous is not None:
                log.out(bar + f", train_loss={previous}]")
            previous = _lightning_num(v)
            log.loss("train_loss", (epoch, batch), previous, digits=3)
            log.out(bar + f", train_loss={previous}]")
        log.out("\n\rValidation: |          | 0/? [00:00<?, ?it/s]\x1b[A"
                "\n\rValidation DataLoader 0: 100%|██████████| 2/2 [00:00<00:00, 833.28it/s]\x1b[A"
                f"\n\r{' ' * 71}\x1b[A" + bar + f", train_loss={previous}, val_loss={_lightning_num(EVAL[epoch])}]")
        log.out(f"\rEpoch {epoch + 1}:   0%|          | 0/3 [00:00<?, ?it/s, v_num=1, train_loss={previous}, "
                f"val_loss={_lightning_num(EVAL[epoch])}]" if epoch == 0 else "\n")


@fmt("lightning1-tqdm")
def lightning1(values, log, run):
    """Lightning 1.x: the automatic `loss=` (a running mean of 20 steps, `.3g`) before `v_num`, the
    bar's total counting the validation batches too, `train_loss_step=` when logged."""
    for i, v in enumerate(values):
        mean = sum(values[:i + 1]) / (i + 1)
        log.loss("loss", i, f"{mean:.3g}", digits=3)
        log.out(f"\rEpoch 0:  {int(100 * (i + 1) / 8):2d}%|█████     | {i + 1}/8 [00:06<00:06, 87.19it/s, "
                f"loss={mean:.3g}, v_num=0]")
    mean = log.loss("loss", "end", f"{sum(values) / 6:.3g}", digits=3)
    log.out(f"\rValidation: 0it [00:00, ?it/s]\x1b[A\rEpoch 0: 100%|██████████| 8/8 [00:06<00:00, 87.19it/s, "
            f"loss={mean}, v_num=0, val_loss={EVAL[0]:.3g}]\n")


# --- research code -----------------------------------------------------------------------------------

@fmt("timm-train")
def timm(values, log, run):
    """timm logs to stderr, bare messages: `Train: 0 [  50/2502 (  2%)]  Loss: 6.88 (6.91)  Time: ...`
    (current and running average, `#.3g`), then `Test: [   0/195]  ... Loss:   1.234 ( 1.234)`."""
    for epoch in range(2):
        for k in range(3):
            v = values[epoch * 3 + k]
            avg = sum(values[epoch * 3:epoch * 3 + k + 1]) / (k + 1)
            log.err(f"Train: {epoch} [{k * 50:>4d}/2502 ({100 * (k * 50 + 1) / 2502:>3.0f}%)]  Loss: "
                    f"{log.loss('Loss', (epoch, k), f'{v:#.3g}')} ({avg:#.3g})  Time: 0.412s, 2485.44/s  "
                    f"(0.415s, 2467.47/s)  LR: 2.000e-04  Data: 0.002 (0.058)\n")
        log.err(f"Test: [   0/195]  Time: 2.113 (2.113)  Loss: {EVAL[epoch]:>7.3f} ({EVAL[epoch]:>6.3f})  "
                "Acc@1:  71.875 ( 71.875)  Acc@5:  90.625 ( 90.625)\n")


@fmt("nanogpt")
def nanogpt(values, log, run):
    """`step 0: train loss 4.2874, val loss 4.2823` (an evaluation of both splits, before the iter line
    of the same number), then `iter 0: loss 4.2654, time 20123.45ms, mfu -100.00%`."""
    for i, v in enumerate(values):
        if i % 3 == 0:
            log.out(f"step {i}: train loss {EVAL[i // 3] + 0.01:.4f}, val loss {EVAL[i // 3]:.4f}\n")
        mfu = "-100.00" if i < 5 else "18.61"
        log.out(f"iter {i}: loss {log.loss('loss', i, f'{v:.4f}')}, time 32.11ms, mfu {mfu}%\n")


@fmt("fairseq-simple")
def fairseq_simple(values, log, run):
    """fairseq's simple progress bar (stderr not a terminal), on stdout through logging:
    `epoch 001:    100 / 1101 loss=12.613, nll_loss=...`; at the epoch's end the average
    (`train | epoch 001 | loss 11.02 | ...`) and the validation (`valid on 'valid' subset | loss ...`)."""
    for epoch in range(2):
        for k in range(3):
            v = values[epoch * 3 + k] * 5
            loss = log.loss("loss", (epoch, k), f"{round(v, 3):g}")
            log.out(f"2021-03-05 11:32:07 | INFO | train_inner | epoch {epoch + 1:03d}:  {100 * (k + 1):5d} / 1101 "
                    f"loss={loss}, nll_loss={log.loss('nll_loss', (epoch, k), f'{round(v - 0.14, 3):g}')}, "
                    f"ppl=5683.97, wps=37017.5, ups=1.13, wpb=32711.6, bsz=1165.6, num_updates={100 * (k + 1)}, "
                    "lr=1.25975e-05, gnorm=2.926, loss_scale=128, train_wall=89, gb_free=10.3, wall=93\n")
        log.out(f"2021-03-05 11:48:20 | INFO | fairseq_cli.train | begin validation on \"valid\" subset\n"
                f"2021-03-05 11:48:25 | INFO | valid | epoch {epoch + 1:03d} | valid on 'valid' subset | loss "
                f"{EVAL[epoch] * 5:g} | nll_loss 9.432 | ppl 690.84 | wps 98765.4 | wpb 2830.9 | bsz 111.1 | "
                f"num_updates 1101\n"
                f"2021-03-05 11:48:30 | INFO | fairseq_cli.train | end of epoch {epoch + 1} (average epoch stats below)\n"
                f"2021-03-05 11:48:30 | INFO | train | epoch {epoch + 1:03d} | loss "
                f"{round(sum(values[epoch * 3:epoch * 3 + 3]) * 5 / 3, 3):g} | nll_loss 10.71 | ppl 1675.58 | "
                f"num_updates 1101 | lr 1.25975e-05 | gnorm 2.926 | wall 1006\n")


@fmt("fairseq-json")
def fairseq_json(values, log, run):
    """`--log-format json`: every statistic a quoted string (`"loss": "12.613"`), behind the logging
    prefix; `valid_loss` and `train_loss` for the validation and the epoch's average."""
    for epoch in range(2):
        for k in range(3):
            v = values[epoch * 3 + k] * 5
            log.out(f"2021-03-05 11:32:07 | INFO | train_inner | {{\"epoch\": {epoch + 1}, \"update\": "
                    f"{epoch + (k + 1) / 11:.3f}, \"loss\": \"{log.loss('loss', (epoch, k), f'{round(v, 3):g}')}\", "
                    f"\"nll_loss\": \"{round(v - 0.14, 3):g}\", \"ppl\": \"5683.97\", \"num_updates\": "
                    f"\"{100 * (k + 1)}\", \"lr\": \"1.25975e-05\", \"gnorm\": \"2.926\", \"loss_scale\": \"128\"}}\n")
            log.loss("nll_loss", (epoch, k), f"{round(v - 0.14, 3):g}")
        log.out(f"2021-03-05 11:48:25 | INFO | valid | {{\"epoch\": {epoch + 1}, \"valid_loss\": \"{EVAL[epoch] * 5:g}\", "
                f"\"valid_nll_loss\": \"9.432\", \"valid_ppl\": \"690.84\"}}\n"
                f"2021-03-05 11:48:30 | INFO | train | {{\"epoch\": {epoch + 1}, \"train_loss\": "
                f"\"{round(sum(values[epoch * 3:epoch * 3 + 3]) * 5 / 3, 3):g}\", \"train_nll_loss\": \"10.71\", "
                f"\"train_ppl\": \"1675.58\", \"train_wall\": \"1006\"}}\n")


@fmt("detectron2")
def detectron2(values, log, run):
    """CommonMetricPrinter: `iter: 19  total_loss: 2.172  loss_cls: 0.7925  loss_box_reg: 0.6381 ...`
    (`.4g` medians), behind the logger's `[06/07 14:02:11 d2.utils.events]: `; evaluation prints
    no loss."""
    for i, v in enumerate(values):
        parts = {"loss_cls": v * 0.36, "loss_box_reg": v * 0.29, "loss_rpn_cls": v * 0.016}
        shown = "  ".join(f"{k}: {log.loss(k, i, f'{p:.4g}')}" for k, p in parts.items())
        log.out(f"[06/07 14:02:11 d2.utils.events]:  eta: 0:28:11  iter: {20 * i + 19}  total_loss: "
                f"{log.loss('total_loss', i, f'{v:.4g}')}  {shown}    time: 0.3728  last_time: 0.3551  data_time: "
                "0.0214  last_data_time: 0.0112   lr: 0.00039962  max_mem: 2611M\n")
    log.out("[06/07 15:10:02 d2.evaluation.evaluator]: Inference done 11/5000. Dataloading: 0.0012 s/iter. "
            "Inference: 0.0520 s/iter. Eval: 0.0003 s/iter. Total: 0.0535 s/iter. ETA=0:04:27\n")


@fmt("mmengine")
def mmengine(values, log, run):
    """`Epoch(train)  [1][  50/7330]  base_lr: ... eta: ...  grad_norm: 3.9386  loss: 2.1848  loss_cls: ...`
    (`.4f` window means, grad_norm before loss), `Epoch(val)` lines with no loss."""
    for i, v in enumerate(values):
        epoch, it = i // 3 + 1, (i % 3 + 1) * 50
        log.out(f"06/07 14:10:51 - mmengine - INFO - Epoch(train)  [{epoch}][{it:>4d}/7330]  base_lr: 2.0000e-02 lr: "
                f"3.9920e-03  eta: 18:47:25  time: 0.7695  data_time: 0.0413  memory: 8634  grad_norm: 3.9386  loss: "
                f"{log.loss('loss', i, f'{v:.4f}')}  loss_rpn_cls: {log.loss('loss_rpn_cls', i, f'{v * 0.29:.4f}')}  "
                f"loss_cls: {log.loss('loss_cls', i, f'{v * 0.5:.4f}')}  acc: 91.2109\n")
        if i % 3 == 2:
            log.out(f"06/07 16:40:02 - mmengine - INFO - Epoch(val)  [{epoch}][  50/5000]    eta: 0:03:49  time: "
                    "0.0461  data_time: 0.0016  memory: 1201  \n"
                    f"06/07 16:44:10 - mmengine - INFO - Epoch(val) [{epoch}][5000/5000]    coco/bbox_mAP: 0.2120  "
                    "data_time: 0.0019  time: 0.0472\n")


@fmt("megatron")
def megatron(values, log, run):
    """training_log: ` [2026-03-02 10:15:14.033207] iteration       10/  500000 | ... | lm loss: 1.076012E+01 |
    loss scale: 262144.0 | ...` (`.6E`, a capital E), and the dashed validation block with `lm loss value:`."""
    for i, v in enumerate(values):
        log.out(f" [2026-03-02 10:15:14.033207] iteration {10 * (i + 1):8d}/{500000:8d} | consumed samples: "
                f"{2560 * (i + 1):12d} | elapsed time per iteration (ms): 1394.6 | learning rate: 1.500000E-06 | "
                f"global batch size:   256 | lm loss: {log.loss('lm loss', i, f'{v * 5:.6E}')} | loss scale: 262144.0 | "
                "grad norm: 9.214 | number of skipped iterations:   0 | number of nan iterations:   0 |\n")
        if i % 3 == 2:
            text = f" validation loss at iteration {10 * (i + 1)} on validation set | lm loss value: " \
                   f"{EVAL[i // 3] * 5:.6E} | lm loss PPL: 4.946424E+01 | "
            log.out("-" * (len(text) + 1) + "\n" + text + "\n" + "-" * (len(text) + 1) + "\n")


@fmt("deepspeed-pipe")
def deepspeed(values, log, run):
    """The pipeline engine's `steps: 10 loss: 10.8112 iter time (s): 1.234 samples/sec: 207.455`, among
    the engine's own `[Rank 0] step=10, skipped=0, lr=[...]` lines (no loss)."""
    for i, v in enumerate(values):
        log.out(f"[2025-02-21 12:05:55,301] [INFO] [logging.py:128:log_dist] [Rank 0] step={10 * (i + 1)}, "
                "skipped=0, lr=[2.9999999999999997e-05], mom=[(0.9, 0.999)]\n"
                f"steps: {10 * (i + 1)} loss: {log.loss('loss', i, f'{v:0.4f}')} iter time (s): 1.234 "
                "samples/sec: 207.455\n")


# --- Paddle ------------------------------------------------------------------------------------------

@fmt("paddleclas")
def paddleclas(values, log, run):
    """`[Train][Epoch 1/120][Iter: 10/5005]lr(Cosine): 0.1, CELoss: 6.92811, loss: 6.92811, ...` (running
    averages, `.5f`), the epoch's `[Train][Epoch 1/120][Avg]CELoss: ...` and `[Eval]` lines."""
    for epoch in range(2):
        for k in range(3):
            v = values[epoch * 3 + k] * 3
            log.out(f"[2024/07/31 20:24:38] ppcls INFO: [Train][Epoch {epoch + 1}/120][Iter: {10 * k}/5005]"
                    f"lr(Cosine): 0.10000000, CELoss: {log.loss('CELoss', (epoch, k), f'{v:.5f}')}, loss: "
                    f"{log.loss('loss', (epoch, k), f'{v:.5f}')}, batch_cost: 0.41233s, reader_cost: 0.00921, ips: "
                    "620.86193 samples/s, eta: 2 days, 20:36:40\n")
        mean = sum(values[epoch * 3:epoch * 3 + 3])
        log.out(f"[2024/07/31 20:55:01] ppcls INFO: [Train][Epoch {epoch + 1}/120][Avg]CELoss: {mean:.5f}, loss: "
                f"{mean:.5f}\n"
                f"[2024/07/31 20:55:09] ppcls INFO: [Eval][Epoch {epoch + 1}][Iter: 0/196]CELoss: {EVAL[epoch]:.5f}, "
                f"loss: {EVAL[epoch]:.5f}, top1: 0.05078, top5: 0.16406, batch_cost: 1.23456s\n"
                f"[2024/07/31 20:56:10] ppcls INFO: [Eval][Epoch {epoch + 1}][Avg]CELoss: {EVAL[epoch]:.5f}, loss: "
                f"{EVAL[epoch]:.5f}, top1: 0.04512, top5: 0.15108\n")


@fmt("paddledetection")
def paddledetection(values, log, run):
    """LogPrinter: `Epoch: [0] [  20/7329] learning_rate: 0.001400 loss_cls: 1.300100 ... loss: 2.582300 eta: ...`."""
    for i, v in enumerate(values):
        log.out(f"[10/18 18:14:05] ppdet.engine.callbacks INFO: Epoch: [{i // 3}] [{20 * (i % 3):4d}/7329] "
                f"learning_rate: 0.001400 loss_cls: {log.loss('loss_cls', i, f'{v * 0.5:.6f}')} loss_iou: "
                f"{log.loss('loss_iou', i, f'{v * 0.05:.6f}')} loss: {log.loss('loss', i, f'{v:.6f}')} eta: 2 days, "
                "10:40:10 batch_cost: 1.4412 data_cost: 0.0213 ips: 5.5509 images/s\n")
    log.out("[10/18 18:40:11] ppdet.engine.callbacks INFO: Eval iter: 0\n"
            "[10/18 18:42:55] ppdet.engine.callbacks INFO: Total sample number: 5000, average FPS: 30.41\n")


@fmt("paddleseg")
def paddleseg(values, log, run):
    """`[TRAIN] epoch: 1, iter: 10/80000, loss: 2.0859, lr: 0.009999, ...`, and `[EVAL] #Images: 500 mIoU: ...`."""
    for i, v in enumerate(values):
        log.out(f"[2024/10/18 17:05:06] INFO: [TRAIN] epoch: 1, iter: {10 * (i + 1)}/80000, loss: "
                f"{log.loss('loss', i, f'{v:.4f}')}, lr: 0.009999, batch_cost: 0.5344, reader_cost: 0.07273, ips: "
                "3.7425 samples/sec | ETA 11:52:32\n")
    log.out("[2024/10/18 18:10:01] INFO: [EVAL] #Images: 500 mIoU: 0.7712 Acc: 0.9561 Kappa: 0.9410 Dice: 0.8623\n")


@fmt("paddle-hapi-verbose2")
def paddle_hapi(values, log, run):
    """Model.fit(verbose=2): `step  5/13 - loss: 0.7309 - acc: 0.5375 - 4ms/step` (the current step's
    loss), and an evaluation between `Eval begin...` and `Eval samples: 64` whose lines look the same."""
    log.out("The loss value printed in the log is the current step, and the metric is the average value of "
            "previous steps.\n")
    for epoch in range(2):
        log.out(f"Epoch {epoch + 1}/2\n")
        for k in range(3):
            v = values[epoch * 3 + k]
            log.out(f"step {5 * (k + 1):2d}/15 - loss: {log.loss('loss', (epoch, k), f'{v:.4f}')} - acc: 0.5375 - "
                    "4ms/step\n")
        log.out(f"Eval begin...\nstep 4/4 - loss: {EVAL[epoch]:.4f} - acc: 0.6094 - 1ms/step\nEval samples: 64\n")


@fmt("paddle-hapi-verbose1")
def paddle_hapi_bar(values, log, run):
    """verbose=1 in a pipe: one line per epoch of `\\b` x width + `\\r` + `step  5/15 [=====>....] - loss: ...`."""
    for epoch in range(2):
        log.out(f"Epoch {epoch + 1}/2\n")
        width = 0
        for k in range(3):
            v, n = values[epoch * 3 + k], 5 * (k + 1)
            done = int(30 * n / 15)
            text = f"step {n:2d}/15 [" + "=" * (done - 1) + (">" if n < 15 else "=") + "." * (30 - done) + "]" + \
                   f" - loss: {log.loss('loss', (epoch, k), f'{v:.4f}')} - acc: 0.5375" + \
                   (" - ETA: 0s - 4ms/step" if n < 15 else " - 2ms/step")
            log.out("\b" * width + "\r" + text + ("\n" if n == 15 else ""))
            width = len(text)
        log.out(f"Eval begin...\n\rstep 4/4 [==============================] - loss: {EVAL[epoch]:.4f} - acc: "
                "0.6094 - 1ms/step\nEval samples: 64\n")


# --- GANs and pytorch/examples ------------------------------------------------------------------------

@fmt("pytorch-gan")
def pytorch_gan(values, log, run):
    """`[Epoch %d/%d] [Batch %d/%d] [D loss: %f] [G loss: %f]`: two losses of one step on one line."""
    for i, v in enumerate(values):
        log.out(f"[Epoch {i // 3}/200] [Batch {i % 3}/938] [D loss: {log.loss('D loss', i, f'{v * 0.3:f}')}] "
                f"[G loss: {log.loss('G loss', i, f'{v * 0.31 + 0.1:f}')}]\n")


@fmt("cyclegan-no-newline")
def cyclegan(values, log, run):
    """CycleGAN-style: `sys.stdout.write("\\r[Epoch ...] [D loss: %f] [G loss: %f, adv: %f, ...] ETA: %s")`,
    never a newline."""
    for i, v in enumerate(values):
        log.out(f"\r[Epoch {i // 3}/200] [Batch {i % 3}/1334] [D loss: {log.loss('D loss', i, f'{v * 0.2:f}')}] "
                f"[G loss: {log.loss('G loss', i, f'{v * 3.5:f}')}, adv: 0.987612, cycle: 0.512377, identity: "
                "0.503328] ETA: 18:37:00.160000")


@fmt("srgan-glued")
def srgan(values, log, run):
    """SRGAN writes each record with neither `\\r` nor `\\n`: the records of a run are one line."""
    for i, v in enumerate(values):
        log.out(f"[Epoch {i // 3}/200] [Batch {i % 3}/6330] [D loss: {log.loss('D loss', i, f'{v * 0.35:f}')}] "
                f"[G loss: {log.loss('G loss', i, f'{v * 0.01:f}')}]")
    log.out("\n")


@fmt("dcgan")
def dcgan(values, log, run):
    """`[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f / %.4f`."""
    for i, v in enumerate(values):
        log.out(f"[{i // 3}/25][{i % 3}/1583] Loss_D: {log.loss('Loss_D', i, f'{v * 0.75:.4f}')} Loss_G: "
                f"{log.loss('Loss_G', i, f'{v * 2:.4f}')} D(x): 0.5343 D(G(z)): 0.5771 / 0.0136\n")


@fmt("examples-mnist")
def mnist(values, log, run):
    """`Train Epoch: 1 [640/60000 (1%)]\\tLoss: 2.305994` and `\\nTest set: Average loss: 0.0473, Accuracy: ...`."""
    for epoch in range(2):
        for k in range(3):
            v = values[epoch * 3 + k]
            log.out(f"Train Epoch: {epoch + 1} [{640 * k}/60000 ({100. * k / 938:.0f}%)]\tLoss: "
                    f"{log.loss('Loss', (epoch, k), f'{v:.6f}')}\n")
        log.out(f"\nTest set: Average loss: {EVAL[epoch]:.4f}, Accuracy: 9900/10000 (99%)\n\n")


@fmt("examples-imagenet")
def imagenet(values, log, run):
    """ProgressMeter: `Epoch: [0][  11/5005]\\tTime  0.412 ( 0.415)\\tData ...\\tLoss 6.9102e+00 (6.9241e+00)\\t
    Acc@1 ...`, and `Test: [ 1/20]` lines."""
    for i, v in enumerate(values):
        avg = sum(values[:i + 1]) / (i + 1)
        log.out(f"Epoch: [0][{10 * i + 1:4d}/5005]\tTime  0.412 ( 0.415)\tData  0.002 ( 0.058)\tLoss "
                f"{log.loss('Loss', i, f'{v * 3:.4e}')} ({avg * 3:.4e})\tAcc@1   0.00 (  0.12)\tAcc@5   0.78 (  0.51)\n")
    log.out(f"Test: [ 1/20]\tTime  2.113 ( 2.113)\tLoss {EVAL[0] * 3:.4e} ({EVAL[0] * 3:.4e})\tAcc@1  71.88 ( 71.88)\n")


@fmt("tensorboard-style")
def tensorboard_style(values, log, run):
    """Hand-written scripts mirroring TensorBoard tags: `Loss/train: 0.7`, `Loss/test: 0.8`."""
    for i, v in enumerate(values):
        log.out(f"Step {i + 1} Loss/train: {log.loss('Loss/train', i, f'{v:.5f}')}\n")
        if i % 3 == 2:
            log.out(f"Step {i + 1} Loss/test: {EVAL[i // 3]:.5f}\n")


@fmt("json-lines")
def json_lines(values, log, run):
    """A JSON line per step, `train/loss` and `val/loss` keys (W&B-style names)."""
    for i, v in enumerate(values):
        val = f", \"val/loss\": {EVAL[i // 3]}" if i % 3 == 2 else ""
        log.out(f"{{\"step\": {i + 1}, \"train/loss\": {log.loss('train/loss', i, repr(round(v, 6)))}, "
                f"\"lr\": 0.001{val}}}\n")


@fmt("print-and-logger")
def print_and_logger(values, log, run):
    """The same loss printed on stdout and logged on stderr (`logging.basicConfig`), each once a step."""
    for i, v in enumerate(values):
        log.out(f"step {i + 1} loss {log.loss('loss', i, f'{v:.6f}')}\n")
        log.err(f"INFO:train:step {i + 1} loss={v:.4f}\n")


# --- distributed launchers: every rank prints ---------------------------------------------------------

def _ranked(values, log, run, prefix):
    """Two ranks printing `iter N: loss X`, prefixed by the launcher, interleaved in an order that
    differs between runs; rank 0 prints BASE in every run, rank 1 the run's own losses (shifted)."""
    lines = {rank: [] for rank in (0, 1)}
    for rank in (0, 1):
        for i, v in enumerate(BASE if rank == 0 else values):
            shown = log.loss("loss", i, f"{v + 0.1 * rank:.4f}", rank)
            lines[rank].append(f"{prefix(rank)}iter {i}: loss {shown}, time 32.11ms\n")
    order = [(0, 1), (1, 0)][run % 2]
    for i in range(len(values)):
        for rank in order:
            log.out(lines[rank][i])


@fmt("torchrun-tee", ranks=2)
def torchrun_tee(values, log, run):
    """torchrun --tee 3: `[default0]:` (role and local rank, no space)."""
    _ranked(values, log, run, lambda rank: f"[default{rank}]:")


@fmt("openmpi-tag-output", ranks=2)
def openmpi(values, log, run):
    """mpirun --tag-output, Open MPI 4: `[1,0]<stdout>:`; Open MPI 5 adds a space."""
    _ranked(values, log, run, lambda rank: f"[1,{rank}]<stdout>:" + (" " if run == 2 else ""))


@fmt("rank-prefix", ranks=2)
def rank_prefix(values, log, run):
    """`[rank0]: ` (torch's distributed excepthook style, and scripts that print it themselves)."""
    _ranked(values, log, run, lambda rank: f"[rank{rank}]: ")
