"""The rules as data: one table per framework, and the data derived from the frameworks.

table.py says what a table is (a framework's name, the import roots that say a file uses it, its
rules); mindspore.py, pytorch.py, keras.py and paddle.py are the frameworks' tables, common.py the
rules and facts they share, configrules.py the rules for configuration files, textrules.py the
engine's own rules (RP*, found in the text), frameworks.py the list of them all. aliases.py reads
data/<framework>.json (other names of the objects the facts name, the sources' parameter lists),
which derive.py writes from the installed frameworks (`python -m transforms.tables.derive`, a
developer tool).

Importing this package loads no table: `frameworks` loads them all.
"""
