"""Passes that watch the run instead of changing files, for tests of the
runner through the real command (``cli_helpers.msb(..., extra_passes=...)``)."""

import os
import time

from refactor.passes import Pass


class RecordsProcess(Pass):
    """Touches ``$MSB_PROBE_DIR/<pid>`` in whichever process runs it: the
    files left there tell how many worker processes a run used."""

    code = "TST201"
    name = "records-process"

    def run(self, tree, ctx):
        probe = os.environ.get("MSB_PROBE_DIR")
        if probe:
            open(os.path.join(probe, str(os.getpid())), "a").close()
        return self.outcome()


class Slow(Pass):
    """Sleeps ``$MSB_PROBE_SLEEP`` seconds per file: a bulk run long enough
    to be interrupted at a random point of it."""

    code = "TST202"
    name = "slow"

    def run(self, tree, ctx):
        time.sleep(float(os.environ.get("MSB_PROBE_SLEEP", "0")))
        return self.outcome()
