/**
 * How a record line bounds what a caller controls: the rules the runtime cuts
 * by (`recordLine`) and the audit chain's checker repeats, so a record cut
 * for the log and its whole copy in the archive hash alike.
 */
import { createHash } from "crypto";

/** Appended to text cut to a size limit. */
export const TRUNCATION_MARKER = "…[truncated]";

/** Most UTF-8 bytes of each id-like string field of a record line. */
export const MAX_RECORD_ID_BYTES = 1024;

/** Most bytes of one record line, its newline included: Lambda's log-line limit. */
export const MAX_RECORD_LINE_BYTES = 256 * 1024;

/** Most bytes of a line's `metadata`, as JSON. */
export const MAX_RECORD_METADATA_BYTES = 16 * 1024;

/**
 * Top-level fields that are bounded as ids (caller-supplied or echoed
 * strings). `callId` is among them: a caller's LangChain run id becomes it.
 */
export const RECORD_ID_FIELDS = ["callId", "userId", "applicationId", "clientRequestId", "taskType", "kbId", "modelId", "invokedModelId", "region", "requestId", "stsRequestId", "stopReason", "errorCode", "errorMessage", "errorField"] as const;

/**
 * Most levels of objects and lists a metadata value nests: deeper ones are
 * replaced by {@link TRUNCATION_MARKER} when the record is built, since
 * serializing (and hashing) a value nested thousands deep overflows the stack.
 */
export const MAX_RECORD_METADATA_DEPTH = 16;

/**
 * Most values (strings, numbers, booleans, nulls, objects, lists) a record's
 * metadata holds, all keys together: past it, the value reached is replaced
 * by {@link TRUNCATION_MARKER} when the record is built. A value whose parts
 * are shared (one object under many keys, at many levels) is written by JSON
 * once per reference, so a few kilobytes in memory can stand for more JSON
 * than any process holds; the copy stops here instead.
 */
export const MAX_RECORD_METADATA_VALUES = 100_000;

/** Most UTF-16 code units of strings and keys a record's metadata holds, all keys together; past it, as {@link MAX_RECORD_METADATA_VALUES}. */
export const MAX_RECORD_METADATA_CHARS = 4 * 1024 * 1024;

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character.
 * The kept part is `text`'s own code units: a lone surrogate stays itself
 * (counted as the 3 bytes its UTF-8 replacement takes), so the kept part is a
 * prefix of the whole, as the archive's complete copy is compared with it.
 */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
    if (text.length * 3 <= maxBytes || Buffer.byteLength(text, "utf8") <= maxBytes) {
        return { text, truncated: false };
    }
    let bytes = 0;
    let end = 0;
    while (end < text.length) {
        const unit = text.charCodeAt(end);
        const paired = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
        const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : paired ? 4 : 3;
        if (bytes + size > maxBytes) break;
        bytes += size;
        end += paired ? 2 : 1;
    }
    return { text: text.slice(0, end), truncated: true };
}

/** An id field's value as a record line carries it: at most {@link MAX_RECORD_ID_BYTES}, marked when cut. */
export function boundRecordId(value: string): string {
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so a short string cannot be over the limit.
    if (value.length * 3 <= MAX_RECORD_ID_BYTES || Buffer.byteLength(value, "utf8") <= MAX_RECORD_ID_BYTES) return value;
    return truncateUtf8(value, MAX_RECORD_ID_BYTES - Buffer.byteLength(TRUNCATION_MARKER, "utf8")).text + TRUNCATION_MARKER;
}

/**
 * A run id as the `callId` of its records and the key of their archive
 * objects: itself up to {@link MAX_RECORD_ID_BYTES}; a longer one cut, marked
 * and followed by the SHA-256 of the whole (64 hex digits), so two run ids
 * that share their first KiB stay two calls. Within the limit, so
 * {@link boundRecordId} leaves it as it is.
 */
export function recordCallId(runId: string): string {
    const bounded = boundRecordId(runId);
    if (bounded === runId) return runId;
    const digest = createHash("sha256").update(runId, "utf8").digest("hex");
    return truncateUtf8(runId, MAX_RECORD_ID_BYTES - Buffer.byteLength(TRUNCATION_MARKER, "utf8") - digest.length).text + TRUNCATION_MARKER + digest;
}

/**
 * How many of `metadata`'s entries, in order, a log line keeps once its JSON
 * is over {@link MAX_RECORD_METADATA_BYTES}: whole entries while they fit,
 * measured as the runtime writes them (the braces, then each entry with its
 * comma). `stringify` is the writer's own.
 */
export function keptMetadataEntries(metadata: Record<string, unknown>, stringify: (value: unknown) => string): number {
    let size = 2;
    let kept = 0;
    for (const [key, value] of Object.entries(metadata)) {
        size += Buffer.byteLength(stringify({ [key]: value }), "utf8") - 1;
        if (size > MAX_RECORD_METADATA_BYTES) break;
        kept++;
    }
    return kept;
}
