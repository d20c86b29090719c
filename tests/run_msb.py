"""``msb-refactor`` with extra passes, for tests only:

    python -m tests.run_msb module:Class[,module:Class] ARGS...

The shipped command imports nothing an environment variable names; tests
that need a deliberately broken pass in a real subprocess go through here.
"""

import importlib
import sys

from refactor.cli import main
from refactor.passes import use_extra_passes

if __name__ == "__main__":
    specs, *args = sys.argv[1:]
    classes = []
    for spec in specs.split(","):
        module, _, name = spec.partition(":")
        classes.append(getattr(importlib.import_module(module), name))
    use_extra_passes(classes)
    main(args)
