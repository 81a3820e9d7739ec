"""Chunked reads report their progress."""

from __future__ import annotations

import io

from tui.backend.transfer import CHUNK, no_progress, read_chunks


def test_read_chunks_reports_every_chunk_and_the_total() -> None:
    data = b"x" * (2 * CHUNK + 5)
    seen: list[tuple[int, int | None]] = []
    chunks = list(read_chunks(io.BytesIO(data), len(data), lambda d, t: seen.append((d, t))))
    assert b"".join(chunks) == data
    n = len(data)
    assert seen == [(0, n), (CHUNK, n), (2 * CHUNK, n), (n, n)]
    no_progress(1, None)
