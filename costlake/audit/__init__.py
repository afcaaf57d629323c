"""The audit log: every write of every dialect and of the CLI (who, what, target, when, from
where)."""
