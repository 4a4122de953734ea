"""Writing units into Whoosh segments, fast, in one process or several.

Whoosh's ``SegmentWriter`` sends every posting through a sorting pool: each
one is pickled into a temporary run file, read back, heap-merged, then
written one call at a time while the document's field length is read from
disk for it. Measured on our units, that was 60% of the indexing time.
Documents arrive in document-number order, so the postings of one term are
already sorted: ``MemoryPool`` appends them to compact per-term arrays, and
``FastSegmentWriter`` cuts each term's list into Whoosh's blocks of 128 and
hands them to Whoosh's own postings writer, so the files are Whoosh's format,
read by Whoosh's unchanged readers.

A build (``Build``) holds one locking writer, which deletes replaced
documents, merges small old segments and publishes the result in one commit;
new documents go to ``SegmentSeries`` writers that start a new segment when
their memory reaches ``limitmb``. With ``procs`` > 1 those run in worker
processes: the reading process reads the corpus and settles speakers and
quotes (``search.ingest.units.prepare``, which needs the build's one speaker
registry), and deals the documents out in batches; the workers analyse and
write. (Whoosh's own multi-process writer analyses in the parent, which was
then the bottleneck.) Every unit of a document goes to one segment, in order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
import time
import traceback
from array import array
from contextlib import contextmanager
from typing import Iterable

from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.query import And, Term
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL, SegmentWriter

from search.engine.whoosh.scoring import perdoc_lengths
from search.engine.whoosh.units import document_units, tie_key
from search.ingest.units import Prepared

# Documents per message to a worker: one pickled message a batch keeps the queue's
# per-message cost (a pipe write, a lock) under 1% of analysis time, while the parent
# holds at most procs x 2 batches in flight (bounded memory on 5 MB documents).
BATCH = 16


class MemoryPool:
    """Postings by field and term, each term's as arrays in document-number order.

    Whoosh's writer calls ``add`` with one (field, term, docnum, weight, value)
    tuple per posting, from ``add_document`` and when merging old segments.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, tuple[array, array, bytearray, array]]] = {}
        self.size = 0

    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        entry = terms.get(tbytes)
        if entry is None:
            entry = terms[tbytes] = (array("I"), array("f"), bytearray(), array("I"))
            self.size += 200 + len(tbytes)
        entry[0].append(docnum)
        entry[1].append(weight)
        if vbytes:
            entry[2].extend(vbytes)
            entry[3].append(len(entry[2]))
            self.size += len(vbytes)
        self.size += 12

    def cleanup(self) -> None:
        self.fields.clear()


class FastSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with postings kept in a ``MemoryPool``."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = MemoryPool()

    # Whoosh 2.7.5 private: overrides SegmentWriter._flush_segment (_finalize_segment calls it)
    def _flush_segment(self) -> None:
        with _block_pickles(5):
            self._write_postings()
        self.pool.cleanup()

    def _write_postings(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        writer = self.fieldwriter
        try:
            for fieldname in sorted(self.pool.fields):
                if fieldname not in self.schema:
                    continue
                writer.start_field(fieldname, self.schema[fieldname])
                field_lengths = perdoc_lengths(lengths, fieldname)
                terms = self.pool.fields[fieldname]
                for tbytes in sorted(terms):
                    writer.start_term(tbytes)
                    # Whoosh 2.7.5 private: W3FieldWriter._postwriter, the field's postings writer
                    _write_blocks(writer._postwriter, *terms[tbytes], field_lengths)
                    writer.finish_term()
                writer.finish_field()
        finally:
            writer.close()
            lengths.close()


@contextmanager
def _block_pickles(protocol: int):
    """Posting blocks pickled with ``protocol`` while a segment's postings are written.

    Whoosh pickles a block's (ids, weights, values) with protocol 2, where each
    value (a posting's packed positions) is a call of ``codecs.encode`` when read:
    about 160 us a block of 128 to unpickle, against 10-20 us with protocol 5,
    which stores bytes as bytes. A search that reads positions (phrases, the
    best-window re-rank, the best passage) unpickles a block for each candidate
    in it. Whoosh's readers load any protocol, so the files stay Whoosh's format.
    """
    # Whoosh 2.7.5 private: whoosh.codec.whoosh3 pickles blocks through its module's dumps
    original = whoosh3.dumps
    whoosh3.dumps = lambda obj, _protocol=2: original(obj, protocol)
    try:
        yield
    finally:
        whoosh3.dumps = original


def _write_blocks(postings, ids: array, weights: array, values: bytearray, ends: array,
                  lengths: array | None) -> None:
    """Give Whoosh's postings writer a term's postings a block at a time.

    The buffers and statistics set here are the ones ``add_posting`` would
    have built posting by posting; ``finish_term`` writes (or inlines) the last.
    """
    # Whoosh 2.7.5 private: W3PostingsWriter._blocklimit, _write_block and its block buffers
    # _ids, _weights, _values, _maxweight, _minlength, _maxlength
    limit = postings._blocklimit
    count = len(ids)
    for start in range(0, count, limit):
        end = min(start + limit, count)
        block_ids = ids[start:end]
        postings._ids = block_ids
        postings._weights = weights[start:end]
        postings._maxweight = max(0, max(postings._weights))
        if ends:
            bounds = zip([ends[start - 1] if start else 0, *ends[start:end - 1]], ends[start:end])
            postings._values = [bytes(values[a:b]) for a, b in bounds]
        else:
            postings._values = []
        block_lengths = [lengths[d] for d in block_ids if lengths[d]] if lengths else []
        postings._minlength = min(block_lengths) if block_lengths else None
        postings._maxlength = max(block_lengths) if block_lengths else 0
        if end < count:
            postings._write_block()


class SegmentSeries:
    """Writes documents into new segments, starting another when memory reaches the limit."""

    def __init__(self, ix, limitmb: int, passages: bool) -> None:
        self.ix = ix
        self.limit = limitmb * 1024 * 1024
        self.passages = passages
        self.text_field = ix.schema["text"]
        # an index written before exact phrases has no such field: none is written
        self.exact_field = ix.schema["text_exact"] if "text_exact" in ix.schema else None
        self.segments: list = []
        self.units = 0
        self._writer: FastSegmentWriter | None = None

    def add(self, prepared: Prepared) -> None:
        writer = self._writer or self._open()
        for unit in document_units(prepared, self.text_field, passages=self.passages,
                                   exact_field=self.exact_field):
            writer.add_document(**{k: v for k, v in unit.items() if v is not None})
            self.units += 1
        if writer.pool.size > self.limit:
            self._close()

    def finish(self) -> list:
        """The segments written, complete on disk but not yet published."""
        if self._writer is not None:
            self._close()
        return self.segments

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer._close_segment()  # Whoosh 2.7.5 private: SegmentWriter._close_segment
            self._writer = None

    def _open(self) -> FastSegmentWriter:
        # Whoosh 2.7.5 private: SegmentWriter's _lk=False, no index lock (the build lock holds)
        self._writer = FastSegmentWriter(self.ix, _lk=False)
        return self._writer

    def _close(self) -> None:
        # Whoosh 2.7.5 private: SegmentWriter._finalize_segment (closed, not yet published)
        self.segments.append(self._writer._finalize_segment())
        self._writer = None


# A segment whose deleted share passes this percentage is rewritten without its deleted
# units at the next commit. Elasticsearch's ``index.merge.policy.deletes_pct_allowed``
# (default 20, allowed 20-50) is the model: below it the dead space is bounded (an index
# at most ~1.25x its live size from deletions), while rewriting a segment for a few
# deletions would make every small edit copy a large segment. Whoosh alone never
# reclaims a large segment's deletions: ten rounds of small edits left an index of 600
# documents at 231 MB, 80% of its units deleted.
DELETES_PCT_ALLOWED = 20
# Live units copied by one commit's merge, at most: the main writer holds what it copies in
# memory, so the most deleted segments go first and the rest wait for a later commit
# (200,000 units is about half the UNGDC index, some 600 MB of writer memory).
MAX_MERGED_UNITS = 200_000


def merge_policy(writer: SegmentWriter, segments: list) -> list:
    """Whoosh's small-segment merge, plus every segment past ``DELETES_PCT_ALLOWED``.

    Returns the segments kept as they are; the others are copied (live units
    only, in order, so a document's units stay consecutive) into ``writer``, at
    most ``MAX_MERGED_UNITS`` live units of the heavily deleted ones per commit.
    """
    heavy, budget = [], MAX_MERGED_UNITS
    for segment in sorted(segments, key=lambda s: -s.deleted_count() / max(1, s.doc_count_all())):
        live = segment.doc_count_all() - segment.deleted_count()
        if segment.deleted_count() * 100 > DELETES_PCT_ALLOWED * segment.doc_count_all() \
                and live <= budget:
            heavy.append(segment)
            budget -= live
    kept = MERGE_SMALL(writer, [s for s in segments if s not in heavy])
    for segment in heavy:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept


class Build:
    """One commit: deletions, new documents in one or several processes, then publication."""

    def __init__(self, ix, index_dir: str, procs: int, limitmb: int, passages: bool) -> None:
        self.ix = ix
        self.main = FastSegmentWriter(ix)
        self.units = 0
        self._options = (index_dir, procs, limitmb, passages)
        self._sink: SegmentSeries | _Workers | None = None  # made on the first document

    def delete(self, doc_ids: Iterable[str]) -> None:
        """Remove every unit (document, passages, quotes) of these documents."""
        for doc_id in doc_ids:
            self.main.delete_by_term("doc_id", doc_id)

    def record_file(self, name: str, key: str, rejected: set[str]) -> None:
        """One small ``file`` unit per corpus file read (written by the main writer)."""
        self.forget_file(name)
        record = f"file:{name}"
        self.main.add_document(key=record, unit="file", file=name, file_key=key,
                               meta={"rejected": sorted(rejected)}, ukey=tie_key(record))

    def forget_file(self, name: str) -> None:
        self.main.delete_by_query(And([Term("unit", "file"), Term("file", name)]))

    def add(self, prepared: Prepared) -> None:
        if self._sink is None:
            index_dir, procs, limitmb, passages = self._options
            self._sink = _Workers(index_dir, procs, limitmb, passages) if procs > 1 \
                else SegmentSeries(self.ix, limitmb, passages)
        self._sink.add(prepared)

    def commit(self) -> None:
        """Publish the old segments (merged as Whoosh sees fit) and the new ones at once."""
        new = self._sink.finish() if self._sink else []
        self.units = self._sink.units if self._sink else 0
        main = self.main
        # Whoosh 2.7.5 private: SegmentWriter.commit's own steps (_merge_segments, _added,
        # _finalize_segment, _close_segment, _commit_toc, _finish), with the new segments added
        segments = main._merge_segments(merge_policy, None, None) + new
        # The main writer's own segment (merged units, file records) goes last, so the new
        # documents come right after the old ones.
        if main._added:
            segments.append(main._finalize_segment())
        else:
            main._close_segment()
        # A merge of segments whose units were all deleted leaves an empty one: not kept.
        main._commit_toc([s for s in segments if s.doc_count_all()])
        main._finish()

    def cancel(self) -> None:
        if self._sink is not None:
            self._sink.cancel()
        self.main.cancel()


class _Workers:
    """Worker processes, each writing its own segments; documents dealt out in batches.

    Every wait on a queue is bounded and looks at the workers: one that stops
    before it is told to (an error, a kill) fails the build with its own
    traceback, instead of leaving the build waiting on its full inbox.
    """

    def __init__(self, index_dir: str, procs: int, limitmb: int, passages: bool) -> None:
        # spawn, not fork: a worker must not inherit the build lock's descriptor
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.inboxes = [context.Queue(maxsize=8) for _ in range(procs)]
        self.processes: list = []
        self.batch: list[Prepared] = []
        self.turn = 0
        self.units = 0
        try:
            for number, inbox in enumerate(self.inboxes):
                process = context.Process(target=_work, daemon=True, args=(
                    number, index_dir, limitmb, passages, inbox, self.results, os.getpid()))
                process.start()
                self.processes.append(process)
        except BaseException:
            self.cancel()
            raise

    def add(self, prepared: Prepared) -> None:
        self.batch.append(prepared)
        if len(self.batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        # Pickled here rather than in the queue's feeder thread, where a failure
        # would only be printed and the batch silently lost.
        message = pickle.dumps(self.batch, protocol=pickle.HIGHEST_PROTOCOL)
        self._put(self.inboxes[self.turn % len(self.inboxes)], message)
        self.batch = []
        self.turn += 1

    def _put(self, inbox, message) -> None:
        while True:
            try:
                inbox.put(message, timeout=1)
                return
            except queue.Full:
                self._check()

    def _check(self) -> None:
        """Fail if a worker has stopped, with its report when it sent one."""
        for process in self.processes:
            if process.exitcode is not None:
                while True:
                    try:
                        _, ok, value, _ = self.results.get_nowait()
                    except queue.Empty:
                        break
                    if not ok:
                        raise _failure(value)
                raise RuntimeError(f"an indexing worker stopped (exit code {process.exitcode})")

    def finish(self) -> list:
        """Every worker's segments, in worker order (so two builds number documents alike)."""
        if self.batch:
            self._send()
        for inbox in self.inboxes:
            self._put(inbox, None)
        reports: dict[int, tuple[list, int]] = {}
        while len(reports) < len(self.processes):
            try:
                number, ok, value, units = self.results.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode for p in self.processes):
                    self._check()
                continue
            if not ok:
                raise _failure(value)
            reports[number] = (value, units)
        for process in self.processes:
            process.join()
        self.units = sum(units for _, units in reports.values())
        return [segment for number in sorted(reports) for segment in reports[number][0]]

    def cancel(self) -> None:
        """Stop the workers; nothing may then wait on their queues (not even at exit)."""
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join()
        for channel in (*self.inboxes, self.results):
            channel.cancel_join_thread()
            channel.close()


def _work(number: int, index_dir: str, limitmb: int, passages: bool, inbox, results,
          parent: int) -> None:
    """A worker: analyse and write the batches it is given until told to stop."""
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    try:
        series = SegmentSeries(whoosh_index.open_dir(index_dir), limitmb, passages)
        for message in iter(inbox.get, None):
            for prepared in pickle.loads(message):
                series.add(prepared)
        results.put((number, True, series.finish(), series.units))
    except BaseException as exc:
        results.put((number, False, (traceback.format_exc(), getattr(exc, "errno", None)), 0))
        results.close()
        results.join_thread()  # the report is in the pipe before the exit code says failure
        raise SystemExit(1)


def _failure(report: tuple[str, int | None]) -> Exception:
    """A worker's failure as the parent raises it: an OSError keeps its errno (a full disk)."""
    trace, errno = report
    message = f"an indexing worker failed:\n{trace}"
    return OSError(errno, message) if errno else RuntimeError(message)


def _exit_with(parent: int) -> None:
    """End this worker as soon as the build that started it is gone (killed, say).

    Waiting on the inbox is not enough: a build killed halfway through sending
    a batch leaves a partial message that would block a read forever.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
