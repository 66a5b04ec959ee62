"""Reading a file at the least cost its question allows, before and while it is parsed.

First with no parse at all: textscan.py (a file's code without strings and comments, what its imports
bind) and textcheck.py (can any rule fire here? derived from the tables' facts); syspath.py reads
the folders a script adds to sys.path with CPython's own parser. Then libcst: partial.py parses only
the statements a rule can touch (the rest stays text and is put back byte for byte), and index.py
walks the parsed file once for what the rules and fixers ask (parents, imports, bindings, positions).
"""
