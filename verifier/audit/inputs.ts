/**
 * Reads what an auditor exports: JSON lines (one record per line, or a
 * CloudWatch event per line, or the `<time> <json>` lines of a CloudWatch
 * export to S3), the JSON `aws logs filter-log-events` prints, or a folder
 * of archive objects (gzip included). Lines that are not audit records
 * (Lambda platform lines, runtime warnings) are counted and skipped.
 */
import * as fs from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import {
    AUDIT_CHAIN_SCHEMA_TYPE,
    AUDIT_CHECKPOINT_SCHEMA_TYPE,
    AUDIT_SCHEMA_TYPE,
    chainLinkOf,
    recordChainHash,
    type ChainCheckpoint,
    type ChainLink,
} from "../../contract";

/** An input that cannot be read at all (missing, not JSON where JSON is required): exit code 2. */
export class UnreadableAuditInputError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "UnreadableAuditInputError";
    }
}

export type EntryKind = "close" | "record";

/** One copy of one chained record, where it was found. */
export interface ChainEntry {
    record: Record<string, unknown>;
    link: ChainLink;
    hash: string;
    kind: EntryKind;
    /** Which input (command-line argument) it came from. */
    source: number;
    /** File and line (or event id) for messages. */
    where: string;
    /** Entries of one group are stored in one order (a file of lines, one log export); archive objects are each their own group. */
    group: string;
    /** The stored time (a CloudWatch event's timestamp), when the input has one. */
    storedAt?: number;
    /** Position within the group. */
    position: number;
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
    /** Lines or events that are not audit records. */
    skipped: number;
}

export function emptyInput(): AuditInput {
    return { entries: [], checkpoints: [], damaged: [], skipped: 0 };
}

/** Reads one command-line input (a file or a folder) into `into`. */
export function readAuditInput(input: string, source: number, into: AuditInput): void {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(input);
    } catch (err) {
        throw new UnreadableAuditInputError(`${input}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
    }
    if (stat.isDirectory()) {
        for (const file of filesUnder(input)) readFile(file, source, into);
    } else {
        readFile(input, source, into);
    }
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

function readFile(file: string, source: number, into: AuditInput): void {
    let text: string;
    try {
        const bytes = fs.readFileSync(file);
        text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
    } catch (err) {
        throw new UnreadableAuditInputError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    const events = logEventsDocument(text, file);
    if (events) {
        readLogEvents(events, file, source, into);
        return;
    }
    let position = 0;
    let start = 0;
    for (let line = 1; start < text.length; line++) {
        let end = text.indexOf("\n", start);
        if (end < 0) end = text.length;
        const raw = text.slice(start, end);
        start = end + 1;
        if (raw.trim() === "") continue;
        readLine(raw, { file, where: `${file}:${line}`, source, group: file, position: position++ }, into);
    }
}

interface LogEvent {
    timestamp?: unknown;
    message?: unknown;
    logStreamName?: unknown;
    eventId?: unknown;
}

/** The events of `aws logs filter-log-events` (or `get-log-events`) output, or undefined for any other text. */
function logEventsDocument(text: string, file: string): LogEvent[] | undefined {
    const first = text.trimStart();
    if (!first.startsWith("{") || !/^\{\s*"(events|searchedLogStreams|nextToken|nextForwardToken)"/.test(first)) return undefined;
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new UnreadableAuditInputError(`${file}: looks like aws logs output but is not JSON (${(err as Error).message})`, { cause: err });
    }
    const events = (doc as { events?: unknown }).events;
    if (!Array.isArray(events)) throw new UnreadableAuditInputError(`${file}: aws logs output without an "events" list`);
    return events as LogEvent[];
}

function readLogEvents(events: LogEvent[], file: string, source: number, into: AuditInput): void {
    events.forEach((event, i) => {
        const stream = typeof event.logStreamName === "string" ? event.logStreamName : "";
        const where = `${file} event ${typeof event.eventId === "string" ? event.eventId : i}`;
        if (typeof event.message !== "string") {
            into.skipped++;
            return;
        }
        const storedAt = typeof event.timestamp === "number" ? event.timestamp : undefined;
        readLine(event.message, { file, where, source, group: `${file}#${stream}`, position: i, storedAt }, into);
    });
}

interface Place {
    file: string;
    where: string;
    source: number;
    group: string;
    position: number;
    storedAt?: number;
}

function readLine(raw: string, place: Place, into: AuditInput): void {
    const brace = raw.indexOf("{");
    if (brace < 0) {
        into.skipped++;
        return;
    }
    let value: unknown;
    try {
        value = JSON.parse(brace === 0 ? raw : raw.slice(brace));
    } catch {
        // A record cut or mangled on its way is damage; any other line that is not JSON is not ours.
        if (raw.includes(AUDIT_SCHEMA_TYPE) || raw.includes(AUDIT_CHAIN_SCHEMA_TYPE)) {
            into.damaged.push({ where: place.where, message: "an audit record that is not valid JSON (cut or altered)" });
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
    readValue(value, place, into, 0);
}

function readValue(value: unknown, place: Place, into: AuditInput, depth: number): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        into.skipped++;
        return;
    }
    const obj = value as Record<string, unknown>;
    const type = obj.schemaType;
    if (type === AUDIT_SCHEMA_TYPE || type === AUDIT_CHAIN_SCHEMA_TYPE) {
        readRecord(obj, place, into);
    } else if (type === AUDIT_CHECKPOINT_SCHEMA_TYPE) {
        readCheckpoint(obj, place, into);
    } else if (depth === 0 && "message" in obj) {
        // One CloudWatch event per line, or a line Lambda's JSON log format wrapped.
        const message = obj.message;
        const inner: Place = { ...place, storedAt: typeof obj.timestamp === "number" ? obj.timestamp : place.storedAt };
        if (typeof obj.logStreamName === "string") inner.group = `${place.file}#${obj.logStreamName}`;
        if (typeof message === "string") {
            readLine(message, inner, into);
        } else {
            readValue(message, inner, into, depth + 1);
        }
    } else {
        into.skipped++;
    }
}

function readRecord(record: Record<string, unknown>, place: Place, into: AuditInput): void {
    const link = chainLinkOf(record);
    if (typeof link === "string") {
        into.damaged.push({ where: place.where, message: `an audit record the chain cannot place: ${link}` });
        return;
    }
    let hash: string;
    try {
        hash = recordChainHash(record);
    } catch (err) {
        into.damaged.push({ where: place.where, message: `an audit record that cannot be hashed (${(err as Error).message})` });
        return;
    }
    const kind: EntryKind = record.schemaType === AUDIT_CHAIN_SCHEMA_TYPE && record.event === "close" ? "close" : "record";
    into.entries.push({ record, link, hash, kind, source: place.source, where: place.where, group: place.group, storedAt: place.storedAt, position: place.position });
}

function readCheckpoint(obj: Record<string, unknown>, place: Place, into: AuditInput): void {
    const ok =
        typeof obj.writer === "string" &&
        Number.isSafeInteger(obj.seq) &&
        (obj.seq as number) >= 0 &&
        typeof obj.hash === "string" &&
        /^[0-9a-f]{64}$/.test(obj.hash) &&
        typeof obj.final === "boolean";
    if (!ok) {
        into.damaged.push({ where: place.where, message: "a checkpoint without a writer, sequence, hash and final flag" });
        return;
    }
    into.checkpoints.push({ checkpoint: obj as unknown as ChainCheckpoint, where: place.where });
}
