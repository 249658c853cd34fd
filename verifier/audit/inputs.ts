/**
 * Reads what an auditor exports: JSON lines (one record per line, or a
 * CloudWatch event per line, or the `<time> <json>` lines of a CloudWatch
 * export to S3), the JSON `aws logs filter-log-events` prints, or a folder
 * of archive objects (gzip included). Lines that are not audit records
 * (Lambda platform lines, runtime warnings) are counted and skipped.
 *
 * A file of lines is read a large chunk at a time and cut into segments at
 * line ends, so an export of any size is never one string in memory, and
 * segments can be read on several threads ({@link readSegment}).
 */
import * as fs from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import { emptyInput, isArchiveObjectFile, readSegments, type AuditInput, type LogEvent, type Segment } from "./segment";
import { sha256HexOfBytes } from "../../contract";
import { POWERSHELL_UTF8, utf8MarkLength, wideEncoding } from "../text-encoding";
import { realPath } from "../real-path";

export { emptyInput, mergeInput, readSegment } from "./segment";
export type { ArchiveObject, ArchivePointer, AuditInput, ChainEntry, CheckpointEntry, Damage, EntryKind, RecordContent, Segment } from "./segment";

/** An input that cannot be read at all (missing, not JSON where JSON is required): exit code 2. */
export class UnreadableAuditInputError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "UnreadableAuditInputError";
    }
}

/** How inputs are cut into segments (smaller in tests, to cut them often). */
export interface SegmentSizes {
    /** Bytes read at a time, and so the most of a segment of lines (unless one line is longer). */
    bytes: number;
    /** Events of `aws logs` output per segment. */
    events: number;
    /** The longest line kept whole. @default {@link MAX_LINE_BYTES} */
    line?: number;
    /** The most a gzip input may decompress to. @default {@link MAX_GUNZIPPED_BYTES} */
    gunzipped?: number;
}

/**
 * The longest line kept whole. A record line is at most 256 KiB and a log
 * export wraps it in less than as much again; a longer line is no record,
 * so only its start is kept (enough to show what it claims to be) and the
 * rest is skipped, in bounded memory, whatever its length.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** The most a gzip input may decompress to: it is decompressed whole, and a small file can hold gigabytes of nothing. */
export const MAX_GUNZIPPED_BYTES = 1024 * 1024 * 1024;
/** An archive object holds one record or checkpoint. */
const MAX_OBJECT_BYTES = MAX_LINE_BYTES;

export const SEGMENT_SIZES: SegmentSizes = { bytes: 1024 * 1024, events: 2_000 };

/** Reads one command-line input (a file or a folder) into `into`, on this thread. */
export function readAuditInput(input: string, source: number, into: AuditInput = emptyInput(), sizes: SegmentSizes = SEGMENT_SIZES): AuditInput {
    return readSegments(inputSegments(input, source, sizes), into);
}

/** The segments of one command-line input (a file or a folder), in the order stored. */
export function* inputSegments(input: string, source: number, sizes: SegmentSizes = SEGMENT_SIZES): Generator<Segment> {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(input);
    } catch (err) {
        throw new UnreadableAuditInputError(`${input}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
    }
    if (stat.isDirectory()) {
        for (const file of filesUnder(input)) yield* fileSegments(file, source, sizes);
    } else if (stat.isFile()) {
        yield* fileSegments(input, source, sizes);
    } else {
        // A device or a pipe may never end (/dev/zero): only what is stored is an export.
        throw new UnreadableAuditInputError(`${input}: is neither a file nor a folder: give the exported file`);
    }
}

/**
 * Inputs that would be read twice: one file or folder named twice (by any
 * path to it), or one inside a folder also given. Each copy of a record
 * would read as another delivery of it, and the counts would double.
 * Inputs that cannot be read are left to their own error.
 */
export function overlappingInputs(inputs: readonly string[]): string | undefined {
    const given = new Map<string, string>();
    const folders = new Map<string, string>();
    for (const input of inputs) {
        const real = realPath(input);
        if (real === undefined) continue;
        const folder = isFolder(real);
        const earlier = given.get(real);
        if (earlier !== undefined) return `${earlier} and ${input} name the same ${folder ? "folder" : "file"}: give each input once`;
        given.set(real, input);
        if (folder) folders.set(real, input);
    }
    for (const [real, input] of given) {
        for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
            const outer = folders.get(dir);
            if (outer !== undefined) return `${input} is inside the folder ${outer}, also given, which is read whole: give one or the other`;
            if (path.dirname(dir) === dir) break;
        }
    }
    return undefined;
}

/**
 * The input that reads `file` (the file itself, or a folder holding it), or
 * would read it once written: a file not yet there is placed by its folder.
 */
export function inputReading(file: string, inputs: readonly string[]): string | undefined {
    const folder = realPath(path.dirname(file));
    const real = realPath(file) ?? (folder === undefined ? undefined : path.join(folder, path.basename(file)));
    if (real === undefined) return undefined;
    return inputs.find((input) => {
        const given = realPath(input);
        return given !== undefined && (given === real || real.startsWith(given.endsWith(path.sep) ? given : `${given}${path.sep}`));
    });
}

function isFolder(file: string): boolean {
    try {
        return fs.statSync(file).isDirectory();
    } catch {
        return false;
    }
}

/** Bytes of the input: what decides whether reading it on several threads pays. */
export function inputBytes(input: string): number {
    try {
        const stat = fs.statSync(input);
        return stat.isDirectory() ? filesUnder(input).reduce((n, f) => n + fs.statSync(f).size, 0) : stat.size;
    } catch {
        return 0;
    }
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** Reads up to `length` bytes into `buffer` at `offset`; fewer only at the end. */
type ByteSource = (buffer: Buffer, offset: number, length: number) => number;

function unreadable(file: string, err: unknown): UnreadableAuditInputError {
    return new UnreadableAuditInputError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
}

function* fileSegments(file: string, source: number, sizes: SegmentSizes): Generator<Segment> {
    if (isArchiveObjectFile(file)) {
        yield archiveObjectSegment(file, source);
        return;
    }
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (err) {
        throw unreadable(file, err);
    }
    try {
        let read: ByteSource = (buffer, offset, length) => {
            try {
                return fs.readSync(fd, buffer, offset, length, null);
            } catch (err) {
                throw unreadable(file, err);
            }
        };
        let buffer = Buffer.allocUnsafe(sizes.bytes);
        let filled = fill(read, buffer, 0);
        if (filled >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
            read = bufferSource(gunzip(Buffer.concat([buffer.subarray(0, filled), readRest(read)]), sizes.gunzipped ?? MAX_GUNZIPPED_BYTES, file));
            filled = fill(read, buffer, 0);
        }
        // Editors and Windows tools start UTF-8 text with a byte order mark, which JSON does not allow.
        const mark = utf8MarkLength(buffer.subarray(0, filled));
        if (mark > 0) {
            buffer.copyWithin(0, mark, filled);
            filled = fill(read, buffer, filled - mark);
        }
        refuseWideText(file, buffer.subarray(0, filled));
        if (looksLikeLogEvents(buffer.toString("utf8", 0, Math.min(filled, 64 * 1024)))) {
            const text = Buffer.concat([buffer.subarray(0, filled), readRest(read)]).toString("utf8");
            const events = logEvents(text, file);
            // One segment even without events: the check must know a log was read, though it held no record.
            for (let i = 0; i === 0 || i < events.length; i += sizes.events) {
                yield { kind: "events", file, source, events: events.slice(i, i + sizes.events), firstIndex: i };
            }
            return;
        }
        if (filled === 0) {
            // An empty log is a log read all the same.
            yield { kind: "lines", file, source, text: "", firstLine: 1 };
            return;
        }
        let firstLine = 1;
        for (;;) {
            const atEnd = filled < buffer.length;
            // Cut after the last whole line: a newline byte never falls inside a UTF-8 character.
            const cut = atEnd ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
            if (cut === 0 && !atEnd && buffer.length >= (sizes.line ?? MAX_LINE_BYTES)) {
                // No record is this long: its start stands for it (a record it claims to be is damaged), the rest is skipped.
                yield { kind: "lines", file, source, text: `${buffer.toString("utf8", 0, 64 * 1024)}\n`, firstLine };
                firstLine += 1;
                filled = skipLine(read, buffer);
                if (filled === 0) return;
                continue;
            }
            if (cut === 0 && !atEnd) {
                // One line longer than the buffer.
                const bigger = Buffer.allocUnsafe(buffer.length * 2);
                buffer.copy(bigger, 0, 0, filled);
                buffer = bigger;
                filled = fill(read, buffer, filled);
                continue;
            }
            if (cut > 0) {
                const text = buffer.toString("utf8", 0, cut);
                yield { kind: "lines", file, source, text, firstLine };
                firstLine += newlines(text);
            }
            if (atEnd) return;
            buffer.copyWithin(0, cut, filled);
            filled = fill(read, buffer, filled - cut);
        }
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * UTF-16 or UTF-32 text (a Windows shell's redirection of `aws logs` output)
 * read as UTF-8 would hold no record, and the check would say the log held
 * none; its encoding is named instead.
 */
function refuseWideText(file: string, start: Buffer): void {
    const wide = wideEncoding(start);
    if (wide === undefined) return;
    throw new UnreadableAuditInputError(`${file}: is ${wide.encoding} text (${wide.how}), not the UTF-8 that CloudWatch Logs, the AWS CLI and the runtime write: it was re-encoded on its way; write it again as UTF-8 (${POWERSHELL_UTF8})`);
}

/**
 * An archive object whole, with the SHA-256 of its bytes as stored (a log
 * copy's pointer names it): one record or checkpoint, small, so one read.
 */
function archiveObjectSegment(file: string, source: number): Segment {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (err) {
        throw unreadable(file, err);
    }
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzip(bytes, MAX_OBJECT_BYTES, file);
    const sha256 = sha256HexOfBytes(bytes);
    return { kind: "lines", file, source, text: bytes.toString("utf8", utf8MarkLength(bytes)), firstLine: 1, sha256 };
}

/** The bytes decompressed, or unreadable input naming `file`. */
function gunzip(bytes: Buffer, most: number, file: string): Buffer {
    try {
        return gunzipSync(bytes, { maxOutputLength: most });
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") throw unreadable(file, err);
        throw new UnreadableAuditInputError(`${file}: decompresses to more than ${most} bytes; decompress it first and give the file it makes`, { cause: err });
    }
}

/**
 * Reads past the rest of the line `buffer` holds the start of, then keeps
 * what follows its newline at the start of `buffer`; returns how many bytes
 * that is (0 at the end of the input).
 */
function skipLine(read: ByteSource, buffer: Buffer): number {
    for (;;) {
        const n = fill(read, buffer, 0);
        if (n === 0) return 0;
        const newline = buffer.subarray(0, n).indexOf(0x0a);
        if (newline >= 0) {
            buffer.copyWithin(0, newline + 1, n);
            return fill(read, buffer, n - newline - 1);
        }
        if (n < buffer.length) return 0;
    }
}

function fill(read: ByteSource, buffer: Buffer, from: number): number {
    let filled = from;
    while (filled < buffer.length) {
        const n = read(buffer, filled, buffer.length - filled);
        if (n === 0) break;
        filled += n;
    }
    return filled;
}

function readRest(read: ByteSource): Buffer {
    const parts: Buffer[] = [];
    for (;;) {
        const part = Buffer.allocUnsafe(4 * 1024 * 1024);
        const n = fill(read, part, 0);
        if (n > 0) parts.push(part.subarray(0, n));
        if (n < part.length) return Buffer.concat(parts);
    }
}

function bufferSource(whole: Buffer): ByteSource {
    let at = 0;
    return (buffer, offset, length) => {
        const n = whole.copy(buffer, offset, at, Math.min(at + length, whole.length));
        at += n;
        return n;
    };
}

function newlines(text: string): number {
    let n = 0;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
    return n;
}

function looksLikeLogEvents(head: string): boolean {
    const first = head.trimStart();
    return first.startsWith("{") && /^\{\s*"(events|searchedLogStreams|nextToken|nextForwardToken)"/.test(first);
}

/** The events of `aws logs filter-log-events` (or `get-log-events`) output. */
function logEvents(text: string, file: string): LogEvent[] {
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
