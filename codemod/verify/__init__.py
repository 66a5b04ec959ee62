"""Running the user's training command and judging it: `reprofix verify` and `reprofix minimize`.

session.py is one `verify` invocation (its options, text and JSON); run.py runs the command and reads
its streams (and, in a distributed launch, each rank's channel: channel.py); losses.py reads the
losses it prints; judge.py compares the runs; locate.py, with the probe (probe/: what `--locate`
loads into every process of the command), says where two runs first part; minimize.py looks for the
applied changes the runs need.
"""
