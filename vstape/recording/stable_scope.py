"""The stateful normalizer a recorder holds for one scope: a cassette file or a cassette folder.

Usage (the writer appends what it is given, the live client already has the real ids)::

    scope = ScopeNormalizer("cassettes/run.yaml")            # or ScopeNormalizer(dir, folder=True)
    with scope.writing(path, [interaction]) as stable:
        writer.append_many(stable)                           # durable before the block ends

Inside the block the journal (:mod:`vstape.recording.journal`) is locked, so the numbers
given are not given by another writer of the scope, and the facts are journaled only once
the block ends without error (a failed append forgets them: the cassette is unchanged).

Continuing a scope: on its first write a process compares what the journal says the
scope's cassettes were with what is on disk. Equal: the journal's mapping is reused (a real
id seen again gets its old placeholder). Different, or no journal (a checkout, a hand edit,
another machine, a folder that cannot hold journals): the journal is dropped and the
cassettes on disk are read instead - their placeholders are reserved (numbering continues),
their other ids stay as they are, and each file's latest timestamp anchors its new ones.
A file whose stat changes under a running writer (another tool rewrote it) resets likewise.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from vstape.cassettes.io import load
from vstape.cassettes.model import CassetteError, Interaction
from vstape.recording import positions
from vstape.recording.journal import Journal, state_folder
from vstape.recording.stable import StableRecorder
from vstape.recording.timeshift import EPOCH
from vstape.replay.replayer import cassette_files

__all__ = ["ScopeNormalizer"]

Stat = tuple[int, int, int]
COMPACT_BYTES = 1 << 20
"""A journal this long is rewritten as the state it adds up to (one line per id and file)."""
_AUTO = Path("auto")


def _stat(path: Path) -> Stat | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _request_ids(items: Sequence[Interaction]) -> set[str]:
    """``x-request-id`` values: one per answer, never seen again, so never journaled."""
    return {
        value
        for item in items
        for name, values in item.response.headers.items()
        if name.lower() == positions.REQUEST_ID_HEADER
        for value in values
    }


class ScopeNormalizer:
    """Stabilizes what is written into one scope, across threads and processes."""

    def __init__(
        self,
        scope: str | os.PathLike[str],
        *,
        folder: bool = False,
        journal_folder: Path | None = _AUTO,
        epoch: int = EPOCH,
    ) -> None:
        self.scope = Path(scope)
        self.folder = folder
        self.epoch = epoch
        where = state_folder() if journal_folder is _AUTO else journal_folder
        self.journal = Journal(self.scope, where) if where is not None else None
        self.recorder = StableRecorder(epoch=epoch)
        self.stats: dict[str, Stat] = {}
        self.journaled: dict[str, str | None] = {}
        """Id decisions the journal holds (what a compaction writes again)."""
        self.checked = False

    # -- the scope on disk -------------------------------------------------------------

    def key(self, path: str | os.PathLike[str]) -> str:
        """The name of a cassette within the scope."""
        if not self.folder:
            return self.scope.name
        return os.path.relpath(os.path.realpath(path), os.path.realpath(self.scope))

    def _files(self) -> list[Path]:
        if not self.folder:
            return [self.scope] if self.scope.is_file() else []
        if not self.scope.is_dir():
            return []
        try:
            return cassette_files([self.scope], allow_empty=True)
        except CassetteError:
            return []

    def _on_disk(self) -> dict[str, Stat]:
        found = {self.key(path): _stat(path) for path in self._files()}
        return {key: value for key, value in found.items() if value is not None}

    # -- state ---------------------------------------------------------------------------

    def _apply(self, facts: list[dict[str, Any]]) -> None:
        ids = self.recorder.ids
        for fact in facts:
            if "id" in fact:
                real, chosen = str(fact["id"]), fact.get("as")
                self.journaled[real] = str(chosen) if chosen else None
                if chosen:
                    ids.learn(real, str(chosen))
                elif real not in ids.mapping:
                    ids.foreign.add(real)
            elif "count" in fact and isinstance(fact["count"], dict):
                for prefix, number in fact["count"].items():
                    if isinstance(number, int) and number > ids.counters.get(prefix, 0):
                        ids.counters[prefix] = number
            elif "file" in fact:
                key = str(fact["file"])
                if isinstance(fact.get("offset"), int):
                    self.recorder.shift(key).offset = fact["offset"]
                if isinstance(fact.get("anchor"), int):
                    self.recorder.shift(key).anchor = fact["anchor"]
                if isinstance(fact.get("stat"), list) and len(fact["stat"]) == 3:
                    self.stats[key] = (fact["stat"][0], fact["stat"][1], fact["stat"][2])
        ids.decided.clear()

    def _catch_up(self) -> None:
        if self.journal is None:
            return
        reset, facts = self.journal.read_new()
        if reset:
            self._forget()
        self._apply(facts)

    def _forget(self) -> None:
        self.recorder = StableRecorder(epoch=self.epoch)
        self.stats = {}
        self.journaled = {}

    def _reseed(self) -> None:
        """Drop the journal and read the scope's cassettes instead (see the module docstring)."""
        self._forget()
        if self.journal is not None:
            self.journal.truncate()
        facts: list[dict[str, Any]] = []
        for path in self._files():
            key = self.key(path)
            try:
                existing = load(path).interactions
            except CassetteError:
                continue  # not ours to judge here: the recorder refuses what it cannot append to
            self.recorder.seed(key, existing)
            stat = _stat(path)
            if stat is not None:
                self.stats[key] = stat
                facts.append({"file": key, "stat": list(stat)})
            anchor = self.recorder.shift(key).anchor
            if anchor is not None:
                facts.append({"file": key, "anchor": anchor})
        ids = self.recorder.ids
        facts += [{"id": ident, "as": None} for ident in sorted(ids.foreign)]
        self.journaled = dict.fromkeys(ids.foreign)
        if ids.counters:
            facts.append({"count": dict(ids.counters)})
        ids.decided.clear()
        if self.journal is not None:
            self.journal.append(facts)

    def _compact(self) -> None:
        """Rewrite a journal grown past :data:`COMPACT_BYTES` as the state it adds up to.

        The other writers see it shorter than they read it: a reset, after which they read
        the compacted facts, which are everything they knew.
        """
        if self.journal is None:
            return
        ids = self.recorder.ids
        facts: list[dict[str, Any]] = [
            {"id": real, "as": chosen} for real, chosen in self.journaled.items()
        ]
        facts.append({"count": dict(ids.counters)})
        for key, shift in sorted(self.recorder.times.items()):
            if shift.offset is not None:
                facts.append({"file": key, "offset": shift.offset})
            if shift.anchor is not None:
                facts.append({"file": key, "anchor": shift.anchor})
        facts += [{"file": key, "stat": list(stat)} for key, stat in sorted(self.stats.items())]
        self.journal.truncate()
        self.journal.append(facts)

    def _check(self, path: Path) -> None:
        key = self.key(path)
        if not self.checked:
            self.checked = True
            if self.stats != self._on_disk():
                self._reseed()
            return
        now = _stat(path)
        if now != self.stats.get(key) and not (now is None and key not in self.stats):
            self._reseed()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self.journal is None:
            yield
            return
        with self.journal.locked():
            yield

    # -- writing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(
        self, path: str | os.PathLike[str], interactions: Sequence[Interaction]
    ) -> Iterator[list[Interaction]]:
        """The interactions to write into ``path`` (a cassette of the scope), stabilized.

        Write them inside the block; the decisions are kept once it ends without error.
        """
        target = Path(path)
        key = self.key(target)
        with self._locked():
            self._catch_up()
            self._check(target)
            ids, shift = self.recorder.ids, self.recorder.shift(key)
            counters, offset, start = dict(ids.counters), shift.offset, len(ids.decided)
            try:
                yield [self.recorder.feed(key, item) for item in interactions]
            except BaseException:
                for ident in ids.decided[start:]:
                    ids.forget(ident)
                del ids.decided[start:]
                ids.counters, shift.offset = counters, offset
                raise
            self._kept(target, key, interactions, counters, offset)

    def _kept(
        self,
        target: Path,
        key: str,
        interactions: Sequence[Interaction],
        counters: dict[str, int],
        offset: int | None,
    ) -> None:
        ids, shift = self.recorder.ids, self.recorder.shift(key)
        skip = _request_ids(interactions)
        facts: list[dict[str, Any]] = [
            {"id": ident, "as": ids.mapping.get(ident)}
            for ident in ids.decided
            if ident not in skip
        ]
        self.journaled.update((fact["id"], fact["as"]) for fact in facts)
        ids.decided.clear()
        changed = {p: n for p, n in ids.counters.items() if counters.get(p) != n}
        if changed:
            facts.append({"count": changed})
        if shift.offset is not None and shift.offset != offset:
            facts.append({"file": key, "offset": shift.offset})
        stat = _stat(target)
        if stat is not None:
            self.stats[key] = stat
            facts.append({"file": key, "stat": list(stat)})
        if self.journal is not None:
            self.journal.append(facts)
            if self.journal.position > COMPACT_BYTES:
                self._compact()

    def real_of(self, placeholder: str) -> str | None:
        """The real id behind a placeholder, when this scope's memory knows it."""
        for real, chosen in self.recorder.ids.mapping.items():
            if chosen == placeholder and real != placeholder:
                return real
        return None

    def close(self) -> None:
        """Release the journal."""
        if self.journal is not None:
            self.journal.close()
