"""The adapter registry: built-in adapters load once, completely, whichever thread asks first."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_first_lookups_on_many_threads_all_see_every_adapter() -> None:
    # A fresh interpreter, so the built-in adapters are not imported yet.
    script = textwrap.dedent(
        """
        import threading
        from costlake.ingest import registry

        counts, start = [], threading.Barrier(8)

        def look() -> None:
            start.wait()
            counts.append(len(registry.adapters()))

        threads = [threading.Thread(target=look) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(sorted(set(counts)), len(counts))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    from costlake.ingest import registry

    assert out == [f"[{len(registry.adapters())}]", "8"]
