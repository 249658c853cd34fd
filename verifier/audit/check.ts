/**
 * Checks each writer's chain: every sequence present once, each record's
 * hash the one its successor holds, stored in chain order, a close where a
 * checkpoint says one was written, and the archive's checkpoints matching.
 *
 * What is judged complete is the log: its gaps, its cut tail, its missing
 * close record, a writer it lacks. The archive, which no one can rewrite,
 * witnesses what the log should hold (its checkpoints, and its copies of the
 * records), and each archive copy is compared with the log's copy. Were the
 * archive's copies counted as records of the log, they would fill the very
 * holes a deletion from the log leaves. Given the archive alone, its copies
 * are the records judged.
 */
import type { ChainCheckpoint, WriterIdentity } from "../../contract";
import { MAX_RECORD_LINE_BYTES, MAX_RECORD_METADATA_BYTES, TRUNCATION_MARKER, keptMetadataEntries } from "../../contract/record-limits";
import { ARCHIVE_TENANT_PARTITION } from "../../contract/archive";
import { type ArchiveObject, type AuditInput, type ChainEntry, type CheckpointEntry, type Damage, type RecordContent } from "./segment";

/** Kinds of break, each a stable code. */
export const BreakKind = {
    gap: "gap",
    missingStart: "missing-start",
    edit: "edit",
    reordered: "reordered",
    duplicate: "duplicate",
    missingClose: "missing-close",
    afterClose: "after-close",
    checkpointMismatch: "checkpoint-mismatch",
    tailCut: "tail-cut",
    badGenesis: "bad-genesis",
    missingWriter: "missing-writer",
    damaged: "damaged",
    archivePointer: "archive-pointer",
    tenant: "tenant",
} as const;
export type BreakKind = (typeof BreakKind)[keyof typeof BreakKind];

export interface ChainBreak {
    kind: BreakKind;
    /** The writer, when the break belongs to one. */
    writer?: string;
    /** The sequence the break is about (the first of a range). */
    seq?: number;
    message: string;
}

export interface WriterReport {
    writer: string;
    tenantId?: string;
    /** From the genesis record, when it is in the input. */
    identity?: WriterIdentity;
    /** Distinct sequences found in the log (in the archive, when it is checked alone); so are `firstSeq`, `lastSeq` and `closed`. */
    records: number;
    firstSeq: number;
    lastSeq: number;
    closed: boolean;
    checkpoints: number;
    breaks: ChainBreak[];
    /**
     * Sequences stored more than once in one input with every copy the same
     * record (hash, texts, metadata and the fields the hash leaves out): a
     * delivery retried after its answer was lost (CloudWatch Logs'
     * PutLogEvents has no idempotency token), counted once and not a break.
     */
    redelivered: number;
    /** The copies beyond the first of those sequences. */
    redeliveredCopies: number;
    /** Those sequences, ascending. */
    redeliveredSeqs: number[];
}

export interface CheckOptions {
    /**
     * The input is a time window: a writer's records may begin after its
     * genesis and end before its close, and what the archive holds before a
     * writer's first record or after its last (records, checkpoints, a close),
     * or of a writer with no record in the window, is not checked.
     * @default false
     */
    window?: boolean;
    /**
     * The tenants whose records the trail should hold. A record, checkpoint
     * or writer of any other tenant is a `tenant` break. Without it, a trail
     * holding records of more than one tenant is a `tenant` break: a tenant's
     * log group and archive hold that tenant's records alone.
     * @default - one tenant, whichever the records name
     */
    tenants?: readonly string[];
}

export interface AuditCheck {
    writers: WriterReport[];
    /** Breaks that belong to no writer found in the records (damaged lines, writers only a checkpoint names). */
    other: ChainBreak[];
    records: number;
    skipped: number;
    checkpoints: number;
    /** Over all writers: records stored more than once, every copy identical (see {@link WriterReport.redelivered}). */
    redelivered: number;
    /** Over all writers: the copies beyond the first of those records. */
    redeliveredCopies: number;
    /**
     * Log records whose archive object the archive copy lacks, but written
     * after the newest record or checkpoint it holds: the copy may
     * have been made before they were archived, so their objects are not
     * looked for, and they are not a break.
     */
    newerThanArchive: number;
    /**
     * Log records, each sequence once, whose archive pointer says the archive
     * write failed (`errorCode`) and whose object the archive copy lacks: the
     * archive witnesses nothing of them, so a forged record that claims so
     * passes. Not a break: a write can fail, and the logger reports each one.
     */
    archiveFailed: number;
    /** Threads that read the input, when `verifyAuditTrail` read it (1: the calling thread alone). */
    readerThreads?: number;
}

export function checkAuditInput(input: AuditInput, options: CheckOptions = {}): AuditCheck {
    const inLog = (e: ChainEntry) => !input.logRead || e.archived !== true;
    const byWriter = new Map<string, ChainEntry[]>();
    for (const e of input.entries) {
        let list = byWriter.get(e.link.writer);
        if (!list) byWriter.set(e.link.writer, (list = []));
        list.push(e);
    }
    const checkpointsByWriter = new Map<string, CheckpointEntry[]>();
    for (const c of input.checkpoints) {
        let list = checkpointsByWriter.get(c.checkpoint.writer);
        if (!list) checkpointsByWriter.set(c.checkpoint.writer, (list = []));
        list.push(c);
    }
    const writers: WriterReport[] = [];
    const other: ChainBreak[] = input.damaged.map((d: Damage) => ({ kind: BreakKind.damaged, message: `${d.where}: ${d.message}` }));
    const expected = options.tenants === undefined || options.tenants.length === 0 ? undefined : new Set(options.tenants);
    const archive = input.logRead ? archiveIndex(input.archiveObjects, input.entries, input.checkpoints) : undefined;
    const context: WriterContext = { inLog, options, expected, archive, newerThanArchive: 0, archiveFailed: 0 };
    for (const writer of new Set([...byWriter.keys(), ...checkpointsByWriter.keys()])) {
        const entries = byWriter.get(writer) ?? [];
        const cps = checkpointsByWriter.get(writer) ?? [];
        if (entries.some(inLog)) {
            writers.push(checkWriter(writer, entries, cps, context));
            continue;
        }
        const foreign = expected && foreignTenant(entries, cps, expected);
        if (foreign) other.push({ kind: BreakKind.tenant, writer, seq: foreign.seq, message: foreign.message });
        // A window may lie before the writer began or after it closed: its absence from the window says nothing.
        if (options.window) continue;
        const checkpointed = cps.length > 0 ? Math.max(...cps.map((c) => c.checkpoint.seq)) : undefined;
        if (entries.length === 0) {
            other.push({ kind: BreakKind.missingWriter, writer, seq: 0, message: `no record of the writer is in the input, but the archive checkpoints it up to seq ${checkpointed} (a deleted log stream?)` });
            continue;
        }
        const seqs = entries.map((e) => e.link.seq);
        const [low, high] = [Math.min(...seqs), Math.max(...seqs)];
        const held = low === high ? `its record seq ${low}` : `its records seq ${low}–${high}`;
        const also = checkpointed === undefined ? "" : ` and checkpoints it up to seq ${checkpointed}`;
        other.push({ kind: BreakKind.missingWriter, writer, seq: 0, message: `no record of the writer is in the log, but the archive holds ${held}${also} (a deleted log stream?)` });
    }
    writers.sort((a, b) => (a.writer < b.writer ? -1 : 1));
    if (!expected) {
        const mixed = tenantsMixed(input);
        if (mixed) other.push({ kind: BreakKind.tenant, message: mixed });
    }
    const redelivered = writers.reduce((n, w) => n + w.redelivered, 0);
    const redeliveredCopies = writers.reduce((n, w) => n + w.redeliveredCopies, 0);
    return {
        writers,
        other,
        records: input.entries.length,
        skipped: input.skipped,
        checkpoints: input.checkpoints.length,
        redelivered,
        redeliveredCopies,
        newerThanArchive: context.newerThanArchive,
        archiveFailed: context.archiveFailed,
    };
}

/** What every writer's check shares. */
interface WriterContext {
    inLog: (e: ChainEntry) => boolean;
    options: CheckOptions;
    expected: ReadonlySet<string> | undefined;
    /** The archive's objects, when both the log and the archive were read. */
    archive: ArchiveIndex | undefined;
    newerThanArchive: number;
    archiveFailed: number;
}

function checkWriter(writer: string, entries: ChainEntry[], checkpoints: CheckpointEntry[], context: WriterContext): WriterReport {
    const { inLog, options } = context;
    const breaks: ChainBreak[] = [];
    const add = (kind: BreakKind, seq: number, message: string) => breaks.push({ kind, writer, seq, message });

    const bySeq = new Map<number, ChainEntry[]>();
    for (const e of entries) {
        const list = bySeq.get(e.link.seq);
        if (list) list.push(e);
        else bySeq.set(e.link.seq, [e]);
    }
    const everySeq = [...bySeq.keys()].sort((a, b) => a - b);

    // One record stands for each sequence: the copy its successor's link confirms, else the first read that is self-consistent.
    const chosen = new Map<number, ChainEntry>();
    const redeliveredSeqs: number[] = [];
    let redeliveredCopies = 0;
    for (const seq of everySeq) {
        const copies = bySeq.get(seq)!;
        const next = bySeq.get(seq + 1);
        const confirmed = next && copies.find((c) => next.some((n) => n.link.prev === c.hash));
        const pick = confirmed ?? copies.find((c) => c.flaw === undefined) ?? copies[0];
        chosen.set(seq, pick);
        const extra = copyBreaks(seq, copies, pick, add);
        if (extra > 0) {
            redeliveredSeqs.push(seq);
            redeliveredCopies += extra;
        }
    }

    // Completeness is the log's: a sequence only the archive holds is one the log lacks.
    const seqs = everySeq.filter((seq) => bySeq.get(seq)!.some(inLog));
    const first = seqs[0];
    const last = seqs[seqs.length - 1];
    const logChosen = new Map(seqs.map((seq) => [seq, chosen.get(seq)!]));

    if (first > 0 && !options.window) {
        add(BreakKind.missingStart, 0, `records seq 0–${first - 1} are missing: the first record found is seq ${first}, not the genesis`);
    }
    for (let i = 0; i < seqs.length; i++) {
        const seq = seqs[i];
        const entry = chosen.get(seq)!;
        if ((seq === 0) !== (entry.link.genesis !== undefined) || (seq === 0) !== (entry.link.prev === null)) {
            add(BreakKind.badGenesis, seq, seq === 0 ? `seq 0 at ${entry.where} is not a genesis record` : `seq ${seq} at ${entry.where} claims to start the chain`);
        }
        const next = seqs[i + 1];
        if (next === undefined) break;
        if (next > seq + 1) {
            add(BreakKind.gap, seq + 1, next === seq + 2 ? `seq ${seq + 1} is missing` : `seq ${seq + 1}–${next - 1} are missing`);
        } else if (chosen.get(next)!.link.prev !== entry.hash && entry.flaw === undefined) {
            // A record that contradicts itself is already named as edited.
            add(BreakKind.edit, seq, `seq ${seq} at ${entry.where} was changed: its hash is not the one seq ${next} holds`);
        }
    }

    const closes = seqs.filter((s) => chosen.get(s)!.kind === "close");
    if (closes.length > 0 && closes[0] < last) {
        add(BreakKind.afterClose, closes[0] + 1, `records follow the close record at seq ${closes[0]}`);
    }
    reorderings(entries).forEach((e) => add(BreakKind.reordered, e.link.seq, `seq ${e.link.seq} at ${e.where} is stored after a later record of the writer`));
    const archivedAfter = everySeq.filter((seq) => seq > last).map((seq) => chosen.get(seq)!);
    checkpointBreaks(checkpoints, logChosen, archivedAfter, first, last, options, add);
    pointerBreaks(entries, context, add);
    tenantBreaks(entries, checkpoints, context.expected, add);

    const genesis = chosen.get(0)?.link.genesis;
    const tenantId = [...chosen.values()].find((e) => e.tenantId !== undefined)?.tenantId;
    breaks.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    return {
        writer,
        tenantId,
        identity: genesis,
        records: seqs.length,
        firstSeq: first,
        lastSeq: last,
        closed: closes.length > 0,
        checkpoints: checkpoints.length,
        breaks,
        redelivered: redeliveredSeqs.length,
        redeliveredCopies,
        redeliveredSeqs,
    };
}

/**
 * Copies of one sequence. Within one input, a copy identical to one read
 * before it is that delivery stored again (a retry after a lost answer): it
 * is set aside and counted, the return value. A repeat within one input that
 * is not identical (same hash, but another archive pointer, cut text or cut
 * flag) is a duplicate; copies with another hash, or whose texts disagree,
 * mean an edit. Copies in different inputs (the log and the archive) are
 * expected and compared, never counted.
 */
function copyBreaks(seq: number, copies: ChainEntry[], pick: ChainEntry, add: (kind: BreakKind, seq: number, message: string) => void): number {
    if (copies.length === 1) {
        if (pick.flaw !== undefined) add(BreakKind.edit, seq, `seq ${seq} at ${pick.where} was changed: ${pick.flaw}`);
        return 0;
    }
    const distinct: ChainEntry[] = [];
    let redelivered = 0;
    for (const c of copies) {
        if (distinct.some((d) => d.source === c.source && identicalCopies(d, c))) redelivered++;
        else distinct.push(c);
    }
    // `pick` is the first read of its kind (`find` and `copies[0]`), so it is among `distinct`.
    const sources = new Set<number>();
    let duplicated = false;
    for (const c of distinct) {
        if (sources.has(c.source) && c.hash === pick.hash) duplicated = true;
        sources.add(c.source);
    }
    if (duplicated) {
        const named = distinct.filter((c) => c.hash === pick.hash).map((c) => c.where);
        add(BreakKind.duplicate, seq, `seq ${seq} is stored more than once, and the copies differ outside the chain hash (${named.join(", ")})`);
    }
    for (const c of distinct) {
        if (c.flaw !== undefined) add(BreakKind.edit, seq, `seq ${seq} at ${c.where} was changed: ${c.flaw}`);
        else if (c.hash !== pick.hash) add(BreakKind.edit, seq, `seq ${seq} at ${c.where} differs from the copy at ${pick.where}`);
        else if (c !== pick) {
            const differs = contentDifference(c.content ?? {}, pick.content ?? {});
            if (differs) {
                add(BreakKind.edit, seq, `seq ${seq} at ${c.where}: its ${differs} is not the one the copy at ${pick.where} holds`);
                continue;
            }
            // The archive copy is the whole record: the log copy must be cut as the runtime cuts it.
            const [log, whole] = c.archived === pick.archived ? [] : c.archived ? [pick, c] : [c, pick];
            const miscut = log && whole && cutProblemOf(log.content ?? {}, whole.content ?? {});
            if (miscut) add(BreakKind.edit, seq, `seq ${seq} at ${log.where} was changed: ${miscut} (the archive copy ${whole.where} holds the whole)`);
        }
    }
    return redelivered;
}

/**
 * Two copies are one record stored twice only if nothing read of them
 * differs: the chain hash (the canonical content, so a re-serialized line
 * still matches) and what the hash leaves out (cut texts, metadata as
 * written, archive pointer, cut flags, long ids).
 */
function identicalCopies(a: ChainEntry, b: ChainEntry): boolean {
    if (a.hash !== b.hash || a.kind !== b.kind || a.tenantId !== b.tenantId || a.link.prev !== b.link.prev) return false;
    const [ca, cb] = [a.content ?? {}, b.content ?? {}];
    return (
        ca.inputText === cb.inputText &&
        ca.outputText === cb.outputText &&
        ca.metadataJson === cb.metadataJson &&
        (ca.metadataTruncated ?? false) === (cb.metadataTruncated ?? false) &&
        ca.unhashedJson === cb.unhashedJson
    );
}

/**
 * What two copies of one record hold differently, if anything: each text and
 * the metadata must be the same, or one copy holds them as the log cut them: a cut text (ending in the truncation marker)
 * begins the other's text, cut metadata keeps the other's first entries as
 * they are. Judged from the content, whatever the copies' cut flags say: the
 * hash covers a cut whole only through its digest, and flags are outside it.
 */
function contentDifference(a: RecordContent, b: RecordContent): "inputText" | "outputText" | "metadata" | undefined {
    for (const key of ["inputText", "outputText"] as const) {
        const [ta, tb] = [a[key], b[key]];
        if (ta !== tb && (ta === undefined || tb === undefined || !textsAgree(ta, tb))) return key;
    }
    if (a.metadataJson !== b.metadataJson && (a.metadataJson === undefined || b.metadataJson === undefined || !metadataAgrees(a.metadataJson, b.metadataJson))) return "metadata";
    return undefined;
}

/**
 * Slack of a line the runtime filled by cutting its texts: each text's cut
 * ends on a character and an escape (up to 9 bytes short) and the room left
 * is shared out in whole bytes; the last text takes what the others left.
 */
const CUT_LINE_SLACK = 64;

/**
 * Why a log copy's cut is not the runtime's, given the whole record (the
 * archive copy), when it is not; the copies already agree in what both keep.
 * Metadata is cut only when its JSON is over the bound, and then keeps whole
 * entries while they fit, so its kept entries are known exactly. A text is
 * cut to fit the line (which the cut then fills to within a few bytes of its
 * limit) or to the logger's `maxContentBytes` (at least 1 byte, so at least
 * one character of a text that begins with a one-byte one).
 */
function cutProblem(log: RecordContent, whole: RecordContent): string | undefined {
    if (log.metadataCut && whole.metadataJson !== undefined && log.metadataJson !== whole.metadataJson) {
        const expected = metadataEntriesKept(whole.metadataJson);
        const kept = Object.keys(JSON.parse(log.metadataJson!) as object).length;
        if (expected === undefined) return `its metadata is marked cut, but the whole is within the ${MAX_RECORD_METADATA_BYTES} bytes the runtime leaves uncut`;
        if (kept !== expected) return `its metadata is cut to ${kept} entries, where the runtime keeps ${expected} within ${MAX_RECORD_METADATA_BYTES} bytes`;
    }
    for (const key of ["inputText", "outputText"] as const) {
        const [cut, text] = [log[key], whole[key]];
        if (cut === undefined || text === undefined || cut === text || !cut.endsWith(TRUNCATION_MARKER)) continue;
        const kept = cut.slice(0, -TRUNCATION_MARKER.length);
        if (!text.startsWith(kept)) continue;
        if (kept.length >= text.length) return `its ${key} is marked cut, but holds the whole text`;
        if ((log.lineBytes ?? 0) >= MAX_RECORD_LINE_BYTES - 1 - CUT_LINE_SLACK) continue;
        if (kept === "" && text.charCodeAt(0) < 0x80) {
            return `its ${key} is cut to nothing in a line of ${log.lineBytes} bytes, where the runtime cuts a text only to fill a line of ${MAX_RECORD_LINE_BYTES} bytes or to its maxContentBytes (at least 1 byte)`;
        }
    }
    return undefined;
}

function cutProblemOf(log: RecordContent, whole: RecordContent): string | undefined {
    try {
        return cutProblem(log, whole);
    } catch {
        // Metadata nested past what the stack holds: the copies were not shown to agree, which is reported where they are compared.
        return undefined;
    }
}

/** How many entries the runtime's log copy keeps of metadata whose JSON is `json`; undefined when it keeps it whole. */
function metadataEntriesKept(json: string): number | undefined {
    if (Buffer.byteLength(json, "utf8") <= MAX_RECORD_METADATA_BYTES) return undefined;
    return keptMetadataEntries(JSON.parse(json) as Record<string, unknown>, JSON.stringify);
}

function textsAgree(a: string, b: string): boolean {
    const [keptA, keptB] = [keptPart(a), keptPart(b)];
    // Two whole texts that differ.
    if (keptA === undefined && keptB === undefined) return false;
    if (keptA !== undefined && keptB !== undefined) return keptA.length < keptB.length ? keptB.startsWith(keptA) : keptA.startsWith(keptB);
    return keptA !== undefined ? b.startsWith(keptA) : a.startsWith(keptB!);
}

/** What the log kept of a text it cut, or undefined for a text not cut. */
function keptPart(text: string): string | undefined {
    return text.endsWith(TRUNCATION_MARKER) ? text.slice(0, -TRUNCATION_MARKER.length) : undefined;
}

/** Metadata the log cut keeps whole entries of the whole, in order, while they fit: the copy with fewer entries must hold the other's first ones. */
function metadataAgrees(a: string, b: string): boolean {
    try {
        return keptEntriesAgree(a, b);
    } catch {
        // Metadata nested past what the stack holds cannot be compared entry by entry: it is not shown to agree.
        return false;
    }
}

function keptEntriesAgree(a: string, b: string): boolean {
    const [ma, mb] = [a, b].map((json) => JSON.parse(json) as unknown);
    if (!isPlainObject(ma) || !isPlainObject(mb)) return false;
    const [ka, kb] = [Object.keys(ma), Object.keys(mb)];
    if (ka.length === kb.length) return false;
    const [kept, whole, wholeKeys] = ka.length < kb.length ? [ma, mb, kb] : [mb, ma, ka];
    return Object.keys(kept).every((k, i) => wholeKeys[i] === k && JSON.stringify(kept[k]) === JSON.stringify(whole[k]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Records stored out of chain order. Within one stored order (a file of lines,
 * one log export's stream), a record stored strictly after one with a higher
 * sequence is reordered, whichever records share its millisecond; records
 * sharing a stored millisecond have no order between them to check.
 */
function reorderings(entries: ChainEntry[]): ChainEntry[] {
    const groups = new Map<string, ChainEntry[]>();
    for (const e of entries) {
        const list = groups.get(e.group);
        if (list) list.push(e);
        else groups.set(e.group, [e]);
    }
    const out = new Set<ChainEntry>();
    for (const list of groups.values()) outOfOrder(list).forEach((e) => out.add(e));
    // A writer writes one stream: a record re-stored in another stream (or another export of it) at another time is out
    // of order against the rest of its writer, whichever stream holds it. Only stored times compare across groups.
    const stored = entries.filter((e) => e.storedAt !== undefined && e.archived === undefined);
    if (new Set(stored.map((e) => e.group)).size > 1) outOfOrder(stored).forEach((e) => out.add(e));
    return [...out];
}

/** Records of `list` stored after a record of higher sequence (sorts `list`). */
function outOfOrder(list: ChainEntry[]): ChainEntry[] {
    const out: ChainEntry[] = [];
    if (list.length < 2) return out;
    list.sort((a, b) => (a.storedAt ?? 0) - (b.storedAt ?? 0) || a.position - b.position);
    // The highest sequence stored strictly before the record at hand, and the highest of those stored in its millisecond:
    // comparing with the highest so far alone would let a record hide behind a later one that shares its millisecond.
    let before = -1;
    let here = -1;
    let hereAt: number | undefined;
    const seen = new Set<number>();
    for (const e of list) {
        // A second copy of a sequence is a duplicate, reported as such.
        if (seen.has(e.link.seq)) continue;
        seen.add(e.link.seq);
        // Without a stored time, the position alone orders records: each is after the one before it.
        if (e.storedAt === undefined || e.storedAt !== hereAt) {
            before = Math.max(before, here);
            here = -1;
            hereAt = e.storedAt;
        }
        if (e.link.seq < before) out.push(e);
        here = Math.max(here, e.link.seq);
    }
    return out;
}

/**
 * What the archive says of the log: each checkpoint against the log's record
 * at its sequence, and records after the log's last one (checkpointed, or
 * held by the archive, `archivedAfter`) as a cut tail.
 */
function checkpointBreaks(
    checkpoints: CheckpointEntry[],
    chosen: Map<number, ChainEntry>,
    archivedAfter: ChainEntry[],
    first: number,
    last: number,
    options: CheckOptions,
    add: (kind: BreakKind, seq: number, message: string) => void,
): void {
    const seen = new Set<string>();
    let tailCut: ChainCheckpoint | undefined;
    for (const { checkpoint: cp, where } of [...checkpoints].sort((a, b) => a.checkpoint.seq - b.checkpoint.seq)) {
        const id = `${cp.seq}/${cp.hash}/${cp.final}`;
        if (seen.has(id)) continue;
        seen.add(id);
        // A window holds no record outside it: what the archive holds before or after is not missing from it.
        if (options.window && (cp.seq < first || cp.seq > last)) continue;
        if (cp.seq > last) {
            tailCut = cp;
            continue;
        }
        const entry = chosen.get(cp.seq);
        if (entry && entry.hash !== cp.hash) {
            add(BreakKind.checkpointMismatch, cp.seq, `the checkpoint ${where} holds another hash for seq ${cp.seq} than the record at ${entry.where}`);
        } else if (!entry) {
            add(BreakKind.checkpointMismatch, cp.seq, `the checkpoint ${where} names seq ${cp.seq}, which is missing`);
        }
        if (cp.final && entry && entry.kind !== "close") {
            add(BreakKind.missingClose, cp.seq, `the final checkpoint ${where} says seq ${cp.seq} closes the writer, but that record is not a close record`);
        }
    }
    if (options.window) return;
    const held = archivedAfter.at(-1);
    if (held && (!tailCut || held.link.seq > tailCut.seq)) {
        add(BreakKind.tailCut, last + 1, `records after seq ${last} are missing: the archive holds the writer's records up to seq ${held.link.seq}`);
    } else if (tailCut) {
        add(BreakKind.tailCut, last + 1, `records after seq ${last} are missing: the archive checkpoints the writer up to seq ${tailCut.seq}`);
    }
    const archivedClose = archivedAfter.find((e) => e.kind === "close");
    if (tailCut?.final) {
        add(BreakKind.missingClose, tailCut.seq, `the close record (seq ${tailCut.seq}) is missing: the writer closed, its final checkpoint says so`);
    } else if (archivedClose) {
        add(BreakKind.missingClose, archivedClose.link.seq, `the close record (seq ${archivedClose.link.seq}) is missing: the writer closed, the archive holds its close record`);
    }
}

/** The archive's objects by key (below the tenant's prefix), and the newest time it holds. */
interface ArchiveIndex {
    objects: Map<string, { tenant?: string; sha256: string; file: string }[]>;
    /** The record each object holds, by the object's file: a pointer must name its own record's object, not any genuine one. */
    held: Map<string, ChainEntry>;
    /** The newest `chain.at` of its record copies and `at` of its checkpoints, ms: about when it was copied. */
    newest: number;
    /** The oldest of those: from then to `newest`, the tenant's writers were archiving. */
    oldest: number;
}

function archiveIndex(objects: readonly ArchiveObject[], entries: readonly ChainEntry[], checkpoints: readonly CheckpointEntry[]): ArchiveIndex | undefined {
    if (objects.length === 0) return undefined;
    const index = new Map<string, { tenant?: string; sha256: string; file: string }[]>();
    for (const o of objects) {
        const { tenant, key } = localKey(o.file);
        let list = index.get(key);
        if (!list) index.set(key, (list = []));
        list.push({ tenant, sha256: o.sha256, file: o.file });
    }
    let newest = -Infinity;
    let oldest = Infinity;
    const held = new Map<string, ChainEntry>();
    for (const e of entries) {
        if (!e.archived) continue;
        // An archive object is its own group, named by its file.
        if (!held.has(e.group)) held.set(e.group, e);
        if (e.at === undefined) continue;
        if (e.at > newest) newest = e.at;
        if (e.at < oldest) oldest = e.at;
    }
    for (const c of checkpoints) {
        const at = Date.parse(c.checkpoint.at);
        if (at > newest) newest = at;
        if (at < oldest) oldest = at;
    }
    return { objects: index, held, newest, oldest };
}

const TENANT_FOLDER = `${ARCHIVE_TENANT_PARTITION}=`;

/**
 * An archive object's key below the tenant's prefix, and the tenant when its
 * folder was copied too: the auditor syncs the tenant's prefix (or the whole
 * bucket), so a file's path ends in its key's `dt=<day>/<name>` or
 * `chain/<writer>/<name>`.
 */
function localKey(file: string): { tenant?: string; key: string } {
    const parts = file.split(/[\\/]/);
    const depth = parts[parts.length - 3] === "chain" ? 3 : 2;
    const above = parts[parts.length - depth - 1];
    return { key: parts.slice(-depth).join("/"), tenant: above?.startsWith(TENANT_FOLDER) ? above.slice(TENANT_FOLDER.length) : undefined };
}

/** A pointer's key, `tenant=<id>/<key below>`, split as {@link localKey} splits a file's path. */
function pointerKey(key: string): { tenant?: string; key: string } {
    const slash = key.indexOf("/");
    return key.startsWith(TENANT_FOLDER) && slash > 0 ? { tenant: key.slice(TENANT_FOLDER.length, slash), key: key.slice(slash + 1) } : { key };
}

/**
 * What the log copies' archive pointers say, checked against the archive
 * when it is given. A writer with an archive writes every record to it first
 * and every log copy names its object (or the error that lost it), so a log
 * copy without a pointer, when the writer's other copies have one, the
 * archive holds its records, or the archive holds records from before and
 * after it was written, had it removed or was never archived. The object
 * each pointer names must be there with the SHA-256 it names and hold this
 * very record: a genuine object's key and digest are no secret. Only an
 * object written after the archive copy was made may be missing from it.
 */
function pointerBreaks(entries: readonly ChainEntry[], context: WriterContext, add: (kind: BreakKind, seq: number, message: string) => void): void {
    const archive = context.archive;
    if (archive === undefined) return;
    let archives = false;
    const archivedCopy = new Map<number, ChainEntry>();
    for (const e of entries) {
        if (e.pointer !== undefined) archives = true;
        if (e.archived !== true) continue;
        archives = true;
        if (!archivedCopy.has(e.link.seq)) archivedCopy.set(e.link.seq, e);
    }
    const whileArchiving = (at: number | undefined) => at !== undefined && at >= archive.oldest && at <= archive.newest;
    // A record stored more than once is named once for one problem.
    const said = new Set<string>();
    const once = (seq: number, problem: string, message: string) => {
        const id = `${seq}/${problem}`;
        if (said.has(id)) return;
        said.add(id);
        add(BreakKind.archivePointer, seq, message);
    };
    const failed = new Set<number>();
    for (const e of entries) {
        if (e.archived || !context.inLog(e)) continue;
        const seq = e.link.seq;
        const p = e.pointer;
        if (p === undefined) {
            if (archives) once(seq, "none", `seq ${seq} at ${e.where} has no archive pointer, though the writer's records are archived`);
            else if (whileArchiving(e.at)) once(seq, "none", `seq ${seq} at ${e.where} has no archive pointer, and the archive holds no record of its writer, though it holds records from before and after it was written (a writer that does not archive, or a forged one)`);
            continue;
        }
        if (p.failed) {
            const copy = archivedCopy.get(seq);
            if (copy) once(seq, "failed", `seq ${seq} at ${e.where} says its archive write failed, but the archive holds it (${copy.where})`);
            else failed.add(seq);
            continue;
        }
        if (p.sha256 === undefined) {
            once(seq, `bare ${p.key}`, `seq ${seq} at ${e.where} has an archive pointer that names no SHA-256 and no failed write`);
            continue;
        }
        const { tenant, key } = pointerKey(p.key);
        const found = (archive.objects.get(key) ?? []).filter((o) => o.tenant === undefined || tenant === undefined || o.tenant === tenant);
        if (found.length === 0) {
            // Written after the copy's newest: it may have been archived after the copy was made.
            if (e.at === undefined || e.at > archive.newest) {
                context.newerThanArchive++;
                continue;
            }
            once(seq, `missing ${p.key}`, `seq ${seq} at ${e.where} names the archive object ${p.key}, which the archive does not hold (deleted, or never written; or still being written when the archive was copied)`);
            continue;
        }
        const named = found.find((o) => o.sha256 === p.sha256);
        if (!named) {
            once(seq, `digest ${p.key} ${p.sha256}`, `seq ${seq} at ${e.where} names the archive object ${p.key} with another SHA-256 than the object ${found[0].file} has`);
            continue;
        }
        // A copy of this record with another hash is an edit, found where the copies are compared.
        const held = archive.held.get(named.file);
        if (held === undefined || held.link.writer !== e.link.writer || held.link.seq !== seq) {
            const holds = held === undefined ? "which holds no record" : `which holds seq ${held.link.seq} of writer ${held.link.writer}`;
            once(seq, `other ${p.key}`, `seq ${seq} at ${e.where} names the archive object ${p.key}, ${holds}, not this record`);
        }
    }
    context.archiveFailed += failed.size;
}

/** The first record or checkpoint of the writer of a tenant not `expected`, as a break. */
function foreignTenant(entries: readonly ChainEntry[], checkpoints: readonly CheckpointEntry[], expected: ReadonlySet<string>): { seq: number; message: string } | undefined {
    const names = [...expected].join(", ");
    // The runtime writes its tenant on every record, a call's and a close record alike: one without is not the runtime's.
    const e = entries.find((x) => x.tenantId === undefined || !expected.has(x.tenantId));
    if (e?.tenantId === undefined && e) return { seq: e.link.seq, message: `seq ${e.link.seq} at ${e.where} names no tenant (its tenantId is missing or not a string), where every record the runtime writes names its own; expected ${names}` };
    if (e) return { seq: e.link.seq, message: `seq ${e.link.seq} at ${e.where} is a record of tenant ${e.tenantId}, not of ${names}` };
    const c = checkpoints.find((x) => !expected.has(x.checkpoint.tenantId));
    if (c) return { seq: c.checkpoint.seq, message: `the checkpoint ${c.where} is of tenant ${c.checkpoint.tenantId}, not of ${names}` };
    return undefined;
}

/** A writer belongs to one tenant, and, with `--tenant`, to one named. */
function tenantBreaks(entries: readonly ChainEntry[], checkpoints: readonly CheckpointEntry[], expected: ReadonlySet<string> | undefined, add: (kind: BreakKind, seq: number, message: string) => void): void {
    const first = entries.find((e) => e.tenantId !== undefined);
    const other = first && entries.find((e) => e.tenantId !== undefined && e.tenantId !== first.tenantId);
    if (first && other) {
        add(BreakKind.tenant, other.link.seq, `seq ${other.link.seq} at ${other.where} is a record of tenant ${other.tenantId}, seq ${first.link.seq} at ${first.where} one of tenant ${first.tenantId}: a writer writes for one tenant`);
    }
    const foreign = expected && foreignTenant(entries, checkpoints, expected);
    if (foreign) add(BreakKind.tenant, foreign.seq, foreign.message);
}

/** Without `--tenant`: the tenants the trail holds records of, when more than one, as a break's message. */
function tenantsMixed(input: AuditInput): string | undefined {
    const writersOf = new Map<string, Set<string>>();
    const note = (tenant: string, writer: string) => {
        let set = writersOf.get(tenant);
        if (!set) writersOf.set(tenant, (set = new Set()));
        set.add(writer);
    };
    for (const e of input.entries) if (e.tenantId !== undefined) note(e.tenantId, e.link.writer);
    for (const c of input.checkpoints) note(c.checkpoint.tenantId, c.checkpoint.writer);
    if (writersOf.size < 2) return undefined;
    const each = [...writersOf].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, w]) => `${t} (${w.size} writer${w.size === 1 ? "" : "s"})`);
    return `the trail holds records of ${writersOf.size} tenants, ${each.join(", ")}, where a tenant's log and archive hold its own alone: name the tenants expected with --tenant`;
}
