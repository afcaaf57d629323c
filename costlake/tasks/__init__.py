"""Scheduled jobs: a registry each domain adds its periodic jobs to, a lease in the metadata
database so that two processes never run the same job at once, and retries with backoff.

    registry (name, schedule, fn) --Scheduler (APScheduler, in the server or ``costlake
    worker``)--> runner: take the lease --> fn(platform) --> record the outcome, release

Jobs run where the platform runs: inside ``costlake serve`` (``COSTLAKE_SCHEDULER=on``) or
in a separate ``costlake worker``; any number of them may share one database.
"""
