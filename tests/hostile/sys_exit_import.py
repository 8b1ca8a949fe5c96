# Attacks the harness at import: exits cleanly (code 0) hoping to be counted as success.
import sys

sys.exit(0)
