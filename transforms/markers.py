"""The text only a reprofix rewrite leaves in a file: the seed block's two marker lines and the
`# [reprofix RULE]` comments beside disabled or replaced code. `scan --leftovers` looks for them."""

SEED_BLOCK_START = "# >>> reprofix: reproducibility block, remove with `reprofix revert` >>>"
SEED_BLOCK_END = "# <<< reprofix <<<"
COMMENT_MARK = "# [reprofix "
COMMENT_PREFIX = COMMENT_MARK + "{rule}]"
MARKERS = (SEED_BLOCK_START, SEED_BLOCK_END, COMMENT_MARK)  # each line holding one is a marked line
