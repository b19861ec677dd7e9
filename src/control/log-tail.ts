import { withoutColour } from '../output/format.js';
import { recordBytes, recordLines, type OutputLine, type OutputRecord } from '../output/record.js';

/**
 * Past this, a source's oldest output is forgotten: each process (and tf itself) keeps its own
 * last 512 KiB, so a process flooding its output never pushes a quiet one's lines out.
 */
export const TAIL_BYTES_PER_SOURCE = 512 * 1024;

/** A record as printed, and its size (the bytes of its lines' text). */
type Listener = (record: OutputRecord, bytes: number) => void;

/** Which lines a reader wants: none of these set means every line. */
export interface LineQuery {
  /** Process names or types; empty for all, tf's own lines too. */
  targets: readonly string[];
  /** Epoch ms: only lines printed at or after it. */
  since?: number;
  grep?: RegExp;
}

/** One source's records, oldest first, bounded by bytes. */
class Ring {
  /** Records before `first` are forgotten; dropping them with shift() was O(n) a write. */
  private records: Array<{ seq: number; record: OutputRecord; bytes: number } | undefined> = [];
  private first = 0;
  private bytes = 0;

  push(seq: number, record: OutputRecord, bytes: number): void {
    this.records.push({ seq, record, bytes });
    this.bytes += bytes;
    while (this.bytes > TAIL_BYTES_PER_SOURCE && this.records.length - this.first > 1) {
      this.bytes -= this.records[this.first]!.bytes;
      this.records[this.first++] = undefined;
    }
    if (this.first > 1024 && this.first * 2 > this.records.length) {
      this.records = this.records.slice(this.first);
      this.first = 0;
    }
  }

  get kept(): Array<{ seq: number; record: OutputRecord }> {
    return this.records.slice(this.first) as Array<{ seq: number; record: OutputRecord }>;
  }
}

/**
 * What tf has printed lately, per source, and a feed of what it prints next, for `tf logs`. It
 * holds the multiplexer's records as they were printed (no copy, no decoding) with their time and
 * stream, and numbers them, so the merged view keeps the order tf printed them in.
 */
export class LogTail {
  private readonly rings = new Map<string, Ring>();
  private seq = 0;
  private bytes = 0;
  private readonly listeners = new Set<Listener>();

  write(record: OutputRecord): void {
    let ring = this.rings.get(record.source.name);
    if (!ring) this.rings.set(record.source.name, (ring = new Ring()));
    const bytes = recordBytes(record);
    ring.push(this.seq++, record, bytes);
    this.bytes += bytes;
    for (const listener of this.listeners) listener(record, bytes);
  }

  /** How many bytes of text have been printed so far (kept or since forgotten). */
  get written(): number {
    return this.bytes;
  }

  /** The last `count` lines that pass `query`, oldest first, across sources in the order printed. */
  tail(count: number, query: LineQuery): OutputLine[] {
    if (count === 0) return [];
    const test = lineTest(query);
    const records = [...this.rings]
      .filter(([name]) => sourceWanted(name, query.targets))
      .flatMap(([, ring]) => ring.kept)
      .sort((a, b) => a.seq - b.seq);
    const out: OutputLine[][] = [];
    let found = 0;
    for (let at = records.length - 1; at >= 0 && found < count; at--) {
      const { record } = records[at]!;
      if (query.since !== undefined && record.time < query.since) continue;
      const lines = recordLines(record).filter(test);
      const kept = lines.slice(Math.max(0, lines.length - (count - found)));
      found += kept.length;
      out.push(kept);
    }
    return out.reverse().flat();
  }

  /** Calls `listener` with each record printed from now on. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
  }
}

/** A process matches its own name (web.2) and its type (web); tf's own lines only an empty list. */
export function sourceWanted(name: string, targets: readonly string[]): boolean {
  return targets.length === 0 || targets.includes(name) || targets.includes(name.replace(/\.\d+$/, ''));
}

/** The text of a line as a reader sees it: decoded, without colour codes (matched as it reads, not as it is painted). */
export function plainText(line: OutputLine): string {
  return withoutColour(String(line.text));
}

/** The per-line part of a query (a record's source and time are checked once for all its lines). */
export function lineTest(query: LineQuery): (line: OutputLine) => boolean {
  const { grep } = query;
  return grep === undefined ? () => true : (line) => grep.test(plainText(line));
}
