"""The Xplorr dialect (``/api/v1``). Its endpoints arrive with their issues; its key shape is
registered now, since keys of that shape are already handed out."""
