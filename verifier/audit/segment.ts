/**
 * Reads one segment of an auditor's export: a run of JSON lines, or of the
 * events of `aws logs` output. Each line is parsed once; a record's chain hash
 * is computed from that parse, and only what the check needs is kept of it.
 * A segment depends on no other, so segments can be read on worker threads.
 */
// The chain's own modules, not the contract's index: a reader thread loads no more than it needs.
import { AUDIT_CHAIN_SCHEMA_TYPE, AUDIT_CHAIN_VERSION, AUDIT_CHECKPOINT_SCHEMA_TYPE, chainCanonicalJson, chainLinkOf, chainView, isSha256Hex, sha256Hex, type ChainCheckpoint, type ChainLink } from "../../contract/audit-chain";
import { ARCHIVE_DATE_PARTITION } from "../../contract/archive";
import { AUDIT_SCHEMA_TYPE } from "../../contract/audit-schema";
import { MAX_RECORD_ID_BYTES, MAX_RECORD_METADATA_BYTES, RECORD_ID_FIELDS, TRUNCATION_MARKER, boundRecordId } from "../../contract/record-limits";
import { repeatedJsonKey } from "../../contract/json-keys";
import { startsCutRecord } from "./cut-record";

export type EntryKind = "close" | "record";

/** What of a record's content a second copy of it is compared with (its text may be cut in one copy). */
export interface RecordContent {
    inputText?: string;
    outputText?: string;
    /** The metadata as JSON: one string is cheaper to keep and to pass between threads than its objects. */
    metadataJson?: string;
    metadataTruncated?: boolean;
    /** The copy carries the whole metadata's digest beside cut metadata: the log's size cut, not a depth cut (which carries none). */
    metadataCut?: true;
    /**
     * UTF-8 bytes of the record as one JSON line, only where a text ends in the
     * truncation marker: whether a text was cut to fit the line limit, or only could have been.
     */
    lineBytes?: number;
    /**
     * Canonical JSON of what the chain hash leaves out and the fields above do
     * not hold (the archive pointer, the text cut flags, ids past the log's
     * bound): two stored copies with one hash are one delivery retried only if
     * these agree too.
     */
    unhashedJson?: string;
}

/** What the check reads of a record's chain link. */
export type EntryLink = Pick<ChainLink, "writer" | "seq" | "prev" | "genesis">;

/** One copy of one chained record, where it was found. */
export interface ChainEntry {
    link: EntryLink;
    hash: string;
    kind: EntryKind;
    tenantId?: string;
    /** Only on a record that holds text or metadata. */
    content?: RecordContent;
    /** Which input (command-line argument) it came from. */
    source: number;
    /** File and line (or event id) for messages. */
    where: string;
    /** Entries of one group are stored in one order (a file of lines, one log export); archive objects are each their own group. */
    group: string;
    /** The stored time (a CloudWatch event's timestamp), when the input has one. */
    storedAt?: number;
    /** Position within the group: only its order counts. */
    position: number;
    /** Set on an archive copy (an object of the archive, see {@link isArchiveObjectFile}); a log copy has none. */
    archived?: true;
    /** Why the record contradicts itself (a carried digest its content does not have, a log copy's id past the log's bound), when it does. */
    flaw?: string;
    /**
     * `chain.at`, ms since the epoch: whether the archive was copied before
     * the record was written, or while its writers were archiving.
     */
    at?: number;
    /** A log copy's archive pointer, when it has one. */
    pointer?: ArchivePointer;
}

/** What a log copy's `archive` field says of the record's archive object. */
export interface ArchivePointer {
    /** The object's key in the bucket (`tenant=<id>/…`); empty when the pointer names none. */
    key: string;
    /** The SHA-256 of the object's bytes, when the pointer names one. */
    sha256?: string;
    /** The pointer says the archive write failed (`errorCode`): no object is expected. */
    failed?: true;
}

/** An object of the archive as copied: where it lies, and the SHA-256 of its bytes (what a log copy's pointer names). */
export interface ArchiveObject {
    file: string;
    sha256: string;
}

export interface CheckpointEntry {
    checkpoint: ChainCheckpoint;
    where: string;
}

/** A line that claims to be an audit record but is not one that can be checked. */
export interface Damage {
    where: string;
    message: string;
}

export interface AuditInput {
    entries: ChainEntry[];
    checkpoints: CheckpointEntry[];
    damaged: Damage[];
    /** The archive objects read (files under a `dt=` or `chain/<writer>/` folder). */
    archiveObjects: ArchiveObject[];
    /** Lines or events that are not audit records. */
    skipped: number;
    /**
     * A file that is not an archive object was read: a log export, even one
     * without a record. Without one, the archive is all there is to check.
     */
    logRead?: boolean;
}

export function emptyInput(): AuditInput {
    return { entries: [], checkpoints: [], damaged: [], archiveObjects: [], skipped: 0, logRead: false };
}

/** Adds `part` (a later segment's reading) to `into`, keeping the order read. */
export function mergeInput(into: AuditInput, part: AuditInput): void {
    for (const e of part.entries) into.entries.push(e);
    for (const c of part.checkpoints) into.checkpoints.push(c);
    for (const d of part.damaged) into.damaged.push(d);
    for (const o of part.archiveObjects) into.archiveObjects.push(o);
    into.skipped += part.skipped;
    if (part.logRead) into.logRead = true;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const WRITER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_PARTITION = `${ARCHIVE_DATE_PARTITION}=`;

/**
 * An object of the archive, by its key as `aws s3 sync` copies it: a call's
 * object in a `dt=<day>/` partition, or a close record or checkpoint in a
 * writer's `chain/<writer>/` folder. The log is checked for what it holds,
 * and the archive witnesses what it should hold, so the two must be told
 * apart; an export of the log is not kept under such a key.
 */
export function isArchiveObjectFile(file: string): boolean {
    const parts = file.split(/[\\/]/);
    if (parts.length < 2 || parts[parts.length - 1] === "") return false;
    const folder = parts[parts.length - 2];
    if (folder.startsWith(DAY_PARTITION)) return DAY.test(folder.slice(DAY_PARTITION.length));
    return parts.length >= 3 && parts[parts.length - 3] === "chain" && WRITER_ID.test(folder);
}

export interface LogEvent {
    timestamp?: unknown;
    message?: unknown;
    logStreamName?: unknown;
    eventId?: unknown;
}

/**
 * Lines of one file from `firstLine` on (`text` starts at a line's start), or
 * events of one `aws logs` document from index `firstIndex` on. An archive
 * object is one segment, with the SHA-256 of its bytes.
 */
export type Segment =
    | { kind: "lines"; file: string; source: number; text: string; firstLine: number; sha256?: string }
    | { kind: "events"; file: string; source: number; events: LogEvent[]; firstIndex: number };

/** Reads `segments` into `into`, in order. */
export function readSegments(segments: Iterable<Segment>, into: AuditInput = emptyInput()): AuditInput {
    for (const segment of segments) readSegment(segment, into);
    return into;
}

/** Reads a segment into `into`. */
export function readSegment(segment: Segment, into: AuditInput): void {
    const archiveObject = isArchiveObjectFile(segment.file);
    if (!archiveObject) into.logRead = true;
    if (segment.kind === "events") {
        readLogEvents(segment.events, segment.file, segment.source, segment.firstIndex, archiveObject, into);
        return;
    }
    const { text, file, source } = segment;
    if (segment.sha256 !== undefined) into.archiveObjects.push({ file, sha256: segment.sha256 });
    let start = 0;
    for (let line = segment.firstLine; start < text.length; line++) {
        let end = text.indexOf("\n", start);
        if (end < 0) end = text.length;
        const raw = text.slice(start, end);
        start = end + 1;
        if (raw.trim() === "") continue;
        // The line number orders the file's records: positions need not be dense.
        readGuarded(raw, { file, where: `${file}:${line}`, source, group: file, position: line, archiveObject }, into);
    }
}

/**
 * Reads one line or event, so that whatever it holds is at worst damage: a
 * value nested thousands deep overflows the stack wherever it is serialized,
 * and one planted line must not stop the check of every other.
 */
function readGuarded(raw: string, place: Place, into: AuditInput): void {
    const entries = into.entries.length;
    const checkpoints = into.checkpoints.length;
    const damaged = into.damaged.length;
    const skipped = into.skipped;
    try {
        readLine(raw, place, into);
    } catch (err) {
        // What the line added before it failed is not kept: it is reported once, as damage.
        into.entries.length = entries;
        into.checkpoints.length = checkpoints;
        into.damaged.length = damaged;
        into.skipped = skipped;
        into.damaged.push({ where: place.where, message: `a line that cannot be read as an audit record (${errorText(err)})` });
    }
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

function readLogEvents(events: LogEvent[], file: string, source: number, firstIndex: number, archiveObject: boolean, into: AuditInput): void {
    events.forEach((event: unknown, k) => {
        // `aws logs` writes objects only: any other entry (null, a number, a list) holds no record, as an event without a message holds none.
        if (typeof event !== "object" || event === null || Array.isArray(event)) {
            into.skipped++;
            return;
        }
        const { logStreamName, eventId, message, timestamp } = event as LogEvent;
        const i = firstIndex + k;
        const stream = typeof logStreamName === "string" ? logStreamName : "";
        const where = `${file} event ${typeof eventId === "string" ? eventId : i}`;
        if (typeof message !== "string") {
            into.skipped++;
            return;
        }
        const storedAt = typeof timestamp === "number" ? timestamp : undefined;
        readGuarded(message, { file, where, source, group: `${file}#${stream}`, position: i, storedAt, archiveObject }, into);
    });
}

interface Place {
    file: string;
    where: string;
    source: number;
    group: string;
    position: number;
    storedAt?: number;
    archiveObject: boolean;
    /**
     * The text of each line that wrapped the record's (a line Lambda's JSON
     * log format wrapped, a message that is itself a wrapper): a key named
     * twice there hides one message behind another as well.
     */
    wrappers?: string[];
}

/**
 * What every record, close record and checkpoint holds as it is stored: a
 * line is parsed only if it holds this stem, or a chain link's key, or a
 * `\u` escape (which may spell either). Whether a line is a record is then
 * decided on what it decodes to, never on its spelling: a log pipeline may
 * escape any letter, and a wrapped event escapes the record's quotes.
 */
const SCHEMA_TYPE_STEM = "BedrockTenancy";
/** Also inside a wrapped message, whose escaped quote (`\"chain`) still holds it. */
const CHAIN_KEY = '"chain';
const UNICODE_ESCAPE = "\\u";
/** A record's chain link, in decoded text. The runtime writes keys in canonical order, so the link comes early and the schema type late: a cut line may keep only the link. */
const CHAIN_LINK = /"chain"\s*:\s*\{/;
/** A wrapped event's message is a JSON string in a JSON line, a record in it one more: decoding stops after this many levels. */
const MAX_ESCAPE_LEVELS = 4;
const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;
const SHORT_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

const CUT_RECORD = "an audit record that is not valid JSON (cut or altered)";

function readLine(raw: string, place: Place, into: AuditInput): void {
    const brace = raw.indexOf("{");
    if (brace < 0 || !(raw.includes(SCHEMA_TYPE_STEM) || raw.includes(CHAIN_KEY) || raw.includes(UNICODE_ESCAPE))) {
        // A record cut before its chain link holds none of these, only its first keys.
        if (brace >= 0 && claimsRecord(raw)) into.damaged.push({ where: place.where, message: CUT_RECORD });
        else into.skipped++;
        return;
    }
    let value: unknown;
    try {
        value = JSON.parse(brace === 0 ? raw : raw.slice(brace));
    } catch {
        // A record cut or mangled on its way is damage; any other line that is not JSON is not ours.
        if (claimsRecord(raw)) {
            into.damaged.push({ where: place.where, message: CUT_RECORD });
        } else {
            into.skipped++;
        }
        return;
    }
    if (brace > 0) {
        // A CloudWatch export to S3 starts each line with the event's time.
        const prefix = Date.parse(raw.slice(0, brace).trim());
        if (!Number.isNaN(prefix)) place = { ...place, storedAt: prefix };
    }
    readValue(value, place, into, 0, brace === 0 ? raw : raw.slice(brace));
}

/**
 * Whether text that does not parse names a record's schema type or holds a
 * chain link, as written or once its JSON escapes are decoded, level by level
 * (a cut line cannot be parsed to decode it).
 */
function claimsRecord(raw: string): boolean {
    let text = raw;
    for (let level = 0; ; level++) {
        if (text.includes(AUDIT_SCHEMA_TYPE) || text.includes(AUDIT_CHAIN_SCHEMA_TYPE) || CHAIN_LINK.test(text) || startsCutRecord(text)) return true;
        if (level === MAX_ESCAPE_LEVELS || !text.includes("\\")) return false;
        text = text.replace(JSON_ESCAPE, (_, hex: string | undefined, short: string | undefined) => (hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : SHORT_ESCAPES[short!]));
    }
}

/** A `chain` value shaped like a record's link: what a record stripped of its schema type still holds. */
function looksLikeChainLink(value: unknown): boolean {
    return typeof value === "object" && value !== null && "writer" in value && "seq" in value;
}

/** `text` is the JSON `value` was parsed from (at depth 0 `value` is all of it; deeper, it holds `value`). */
function readValue(value: unknown, place: Place, into: AuditInput, depth: number, text: string): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        into.skipped++;
        return;
    }
    const obj = value as Record<string, unknown>;
    const type = obj.schemaType;
    if (type === AUDIT_SCHEMA_TYPE || type === AUDIT_CHAIN_SCHEMA_TYPE) {
        readRecord(obj, place, into, depth === 0 ? text : undefined, text);
    } else if (type === AUDIT_CHECKPOINT_SCHEMA_TYPE) {
        readCheckpoint(obj, place, into);
    } else if (depth === 0 && "message" in obj) {
        // One CloudWatch event per line, or a line Lambda's JSON log format wrapped.
        const message = obj.message;
        const inner: Place = { ...place };
        // Where and when an event was stored is the store's to say: a line of a file of events says it, but a message inside
        // an event (or under an export's time) is the writer's text, and its own `timestamp` or stream would re-date the record.
        // Without a time, a line's place in its file is its order, whatever stream it names.
        if (place.storedAt === undefined && place.group === place.file && typeof obj.timestamp === "number") {
            inner.storedAt = obj.timestamp;
            if (typeof obj.logStreamName === "string") inner.group = `${place.file}#${obj.logStreamName}`;
        }
        if (typeof message === "string") {
            // The record is read from the message's own text: this line's is scanned for repeated keys as a wrapper.
            // (A message object is read from this line's text, which the record's own scan covers.)
            readLine(message, { ...inner, wrappers: [...(place.wrappers ?? []), text] }, into);
        } else {
            readValue(message, inner, into, depth + 1, text);
        }
    } else if (looksLikeChainLink(obj.chain)) {
        into.damaged.push({ where: place.where, message: "a chain link in a line that names no audit record's schema type (altered?)" });
    } else {
        into.skipped++;
    }
}

const PROBLEMS: string[] = [];

/**
 * `own` is the record's own JSON text, when the line is that alone; `holder`
 * the text it was parsed from (a wrapping event's, or its own).
 */
function readRecord(record: Record<string, unknown>, place: Place, into: AuditInput, own: string | undefined, holder: string): void {
    const link = chainLinkOf(record);
    if (typeof link === "string") {
        into.damaged.push({ where: place.where, message: `an audit record the chain cannot place: ${link}` });
        return;
    }
    let hash: string;
    let view: Readonly<Record<string, unknown>>;
    let canonical: string;
    // One list for every record read: almost all leave it empty.
    const problems = PROBLEMS;
    problems.length = 0;
    try {
        view = chainView(record, JSON.stringify, problems);
        canonical = chainCanonicalJson(view);
        hash = sha256Hex(canonical);
    } catch (err) {
        into.damaged.push({ where: place.where, message: `an audit record that cannot be hashed (${errorText(err)})` });
        return;
    }
    // Only a log copy is bounded: the archive copy keeps a long id whole.
    const logCopy = !place.archiveObject || record.archive !== undefined;
    let content: RecordContent | undefined;
    try {
        // JSON.parse keeps a repeated key's last value, so a line can say one thing to a reader and another to the check.
        // A line JSON.stringify wrote (every line the runtime writes) holds no key twice: only another spelling is scanned.
        const written = view === record ? canonical : JSON.stringify(record);
        if ((written !== own && repeatsKey(holder)) || place.wrappers?.some(repeatsKey)) {
            into.damaged.push({ where: place.where, message: "an audit record that names one key twice in one object (JSON.parse reads the last value, another reader may take the first; the runtime writes each key once)" });
            return;
        }
        content = contentOf(record, written, logCopy ? problems : undefined);
    } catch (err) {
        // Fields the hash leaves out are serialized too: they can be nested past what the stack holds as well.
        into.damaged.push({ where: place.where, message: `an audit record whose fields outside the chain hash cannot be read (${errorText(err)})` });
        return;
    }
    const entry: ChainEntry = {
        link: link.genesis === undefined ? { writer: link.writer, seq: link.seq, prev: link.prev } : { writer: link.writer, seq: link.seq, prev: link.prev, genesis: link.genesis },
        hash,
        kind: record.schemaType === AUDIT_CHAIN_SCHEMA_TYPE && record.event === "close" ? "close" : "record",
        source: place.source,
        where: place.where,
        group: place.group,
        storedAt: place.storedAt,
        position: place.position,
    };
    if (typeof record.tenantId === "string") entry.tenantId = record.tenantId;
    if (record.archive !== undefined) entry.pointer = pointerOf(record.archive);
    entry.at = Date.parse(link.at);
    if (content) entry.content = content;
    // Only a log copy holds the archive pointer, wherever its file lies.
    if (place.archiveObject && record.archive === undefined) entry.archived = true;
    if (problems.length > 0) entry.flaw = problems.join("; ");
    into.entries.push(entry);
}

/**
 * Whether JSON text (known to parse) names one key twice in one object, at
 * any depth. Only lines not spelled as JSON.stringify writes them get here.
 * Case counts: JSON.parse tells `UserId` from `userId`, and caller metadata
 * may hold both.
 */
export function repeatsKey(text: string): boolean {
    return repeatedJsonKey(text, false) !== undefined;
}

function pointerOf(archive: unknown): ArchivePointer {
    const { key, sha256, errorCode } = (typeof archive === "object" && archive !== null ? archive : {}) as Record<string, unknown>;
    const pointer: ArchivePointer = { key: typeof key === "string" ? key : "" };
    if (isSha256Hex(sha256)) pointer.sha256 = sha256;
    else if (typeof errorCode === "string" && sha256 === undefined) pointer.failed = true;
    return pointer;
}

/**
 * The parsed record is not kept: only its texts and metadata, and what the
 * hash leaves out, where it has them. A log copy's id past the log's bound
 * is named in `problems`, when given.
 */
function contentOf(record: Record<string, unknown>, written: string, problems: string[] | undefined): RecordContent | undefined {
    const input = record.input as Record<string, unknown> | undefined;
    const output = record.output as Record<string, unknown> | undefined;
    const inputText = input?.inputText;
    const outputText = output?.outputText;
    const metadata = record.metadata;
    const unhashed = unhashedOf(record, input, output, problems);
    // A text stands in the hash by its digest alone, and `hash` and `none` records carry no text: one holding text was given it.
    const mode = record.contentMode;
    if ((mode === "hash" || mode === "none") && (inputText !== undefined || outputText !== undefined)) {
        problems?.push(`its contentMode is ${JSON.stringify(mode)}, which records no text, yet it holds ${inputText !== undefined ? "input.inputText" : "output.outputText"}`);
    }
    if (inputText === undefined && outputText === undefined && metadata === undefined && unhashed === undefined) return undefined;
    const content: RecordContent = {};
    if (typeof inputText === "string") content.inputText = inputText;
    if (typeof outputText === "string") content.outputText = outputText;
    if (metadata !== undefined) content.metadataJson = JSON.stringify(metadata);
    if (record.metadataTruncated) content.metadataTruncated = true;
    if (record.metadataTruncated === true && record.metadataSha256 !== undefined && content.metadataJson !== undefined) {
        content.metadataCut = true;
        // The runtime keeps whole entries only while they fit: cut metadata over the bound had more added after the cut.
        if (Buffer.byteLength(content.metadataJson, "utf8") > MAX_RECORD_METADATA_BYTES) {
            problems?.push(`its metadata, marked cut, is over the ${MAX_RECORD_METADATA_BYTES} bytes the runtime cuts metadata to`);
        }
    }
    if (content.inputText?.endsWith(TRUNCATION_MARKER) || content.outputText?.endsWith(TRUNCATION_MARKER)) content.lineBytes = Buffer.byteLength(written, "utf8");
    if (unhashed !== undefined) content.unhashedJson = unhashed;
    return content;
}

/**
 * The fields outside the chain hash that `RecordContent`'s texts and metadata
 * do not already hold, as canonical JSON (a pipeline that reorders keys must
 * not make two copies differ). Undefined for the common record that has none,
 * so it costs nothing there.
 */
function unhashedOf(record: Record<string, unknown>, input: Record<string, unknown> | undefined, output: Record<string, unknown> | undefined, problems: string[] | undefined): string | undefined {
    // Made only when needed: this runs for every record read.
    let out: Record<string, unknown> | undefined;
    if (record.archive !== undefined) (out ??= {}).archive = record.archive;
    if (input?.inputTruncated !== undefined) (out ??= {}).inputTruncated = input.inputTruncated;
    if (output?.outputTruncated !== undefined) (out ??= {}).outputTruncated = output.outputTruncated;
    for (const f of RECORD_ID_FIELDS) {
        const value = record[f];
        // The hash holds an id only as the log bounds it: the rest of a longer one is here.
        if (typeof value === "string" && boundRecordId(value) !== value) {
            (out ??= {})[f] = value;
            // The hash would match the id re-cut, whatever was appended to an id the runtime cut.
            problems?.push(`its ${f} is longer than the ${MAX_RECORD_ID_BYTES} bytes the runtime writes to the log (an id it cut, edited)`);
        }
    }
    return out && chainCanonicalJson(out);
}

function readCheckpoint(obj: Record<string, unknown>, place: Place, into: AuditInput): void {
    const ok =
        typeof obj.writer === "string" &&
        Number.isSafeInteger(obj.seq) &&
        (obj.seq as number) >= 0 &&
        isSha256Hex(obj.hash) &&
        typeof obj.final === "boolean";
    if (!ok) {
        into.damaged.push({ where: place.where, message: "a checkpoint without a writer, sequence, hash and final flag" });
        return;
    }
    // Its time bounds when the archive was written (the window a writer without pointers is judged by); the runtime writes every checkpoint of this version with one.
    if (obj.schemaVersion !== AUDIT_CHAIN_VERSION || typeof obj.tenantId !== "string" || typeof obj.at !== "string" || Number.isNaN(Date.parse(obj.at))) {
        into.damaged.push({ where: place.where, message: `a checkpoint without the schema version ${AUDIT_CHAIN_VERSION}, a tenant and a time, as the runtime writes every checkpoint` });
        return;
    }
    into.checkpoints.push({ checkpoint: obj as unknown as ChainCheckpoint, where: place.where });
}
