/**
 * The one place an audit record becomes a log line. Every line sink (stdout,
 * CloudWatch Logs) writes what {@link recordLine} returns, so the size rules
 * hold in every mode and sink, and nothing is refused for size:
 *
 * - the line, newline included, is at most {@link MAX_RECORD_LINE_BYTES}
 *   (Lambda cuts longer log lines; CloudWatch Logs allows 1 MiB per event);
 * - each id-like string field ({@link RECORD_ID_FIELDS}: the call id, the
 *   caller's ids, model ids, error names) is at most {@link MAX_RECORD_ID_BYTES};
 * - `metadata` is at most {@link MAX_RECORD_METADATA_BYTES} as JSON: whole
 *   entries are kept in order while they fit, and `metadataTruncated` and
 *   `metadataSha256` (of the complete metadata) say it was cut;
 * - prompt and completion text is cut last, after JSON escaping (so quotes
 *   and newlines cannot push the line over), at a character and escape
 *   boundary, with {@link TRUNCATION_MARKER}, `*Truncated: true` and the
 *   SHA-256 of the complete text.
 *
 * A record with no JSON text, or (built elsewhere, with fields of its own)
 * none within the limit, throws: the sink loses it and the logger counts it,
 * rather than a stand-in or a cut line passing for the record.
 */
import { MAX_RECORD_ID_BYTES, MAX_RECORD_LINE_BYTES, MAX_RECORD_METADATA_BYTES, RECORD_ID_FIELDS, keptMetadataEntries, TRUNCATION_MARKER, boundRecordId, sha256Hex, truncateUtf8, type AuditRecord } from "../contract";
import { recordJson, safeStringify, stringifyRecord } from "./serialize";

export { MAX_RECORD_ID_BYTES, MAX_RECORD_LINE_BYTES, MAX_RECORD_METADATA_BYTES };


const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * The record as one JSON line (no newline) of at most `MAX_RECORD_LINE_BYTES - 1`
 * bytes. `json`, when given, must be `JSON.stringify(record)`.
 */
export function recordLine(record: AuditRecord, maxLineBytes: number = MAX_RECORD_LINE_BYTES, json?: string): string {
    const limit = maxLineBytes - 1;
    const whole = json ?? recordJson(record);
    const size = bytes(whole);
    // The common case costs one serialization: small enough, no id that could be long, metadata within bounds.
    if (size <= limit && !mayHaveLongId(record) && (size <= MAX_RECORD_METADATA_BYTES || !record.metadata || bytes(safeStringify(record.metadata)) <= MAX_RECORD_METADATA_BYTES)) {
        return whole;
    }
    const bounded = boundMetadata(boundIds({ ...record, input: { ...record.input }, output: { ...record.output } }));
    const line = stringifyRecord(bounded);
    if (bytes(line) <= limit) {
        return line;
    }
    return cutTexts(bounded, limit);
}

/** A UTF-16 code unit is at most 3 UTF-8 bytes, so a short string cannot be over the limit. */
function mayHaveLongId(record: AuditRecord): boolean {
    // Over the record's own keys: reading each absent id field by name costs more than this whole pass.
    for (const key in record) {
        const value = (record as unknown as Record<string, unknown>)[key];
        if (typeof value === "string" && value.length * 3 > MAX_RECORD_ID_BYTES && ID_FIELDS.has(key)) return true;
    }
    return false;
}

const ID_FIELDS: ReadonlySet<string> = new Set(RECORD_ID_FIELDS);

function boundIds(record: AuditRecord): AuditRecord {
    for (const field of RECORD_ID_FIELDS) {
        const value = record[field];
        if (typeof value === "string") (record as unknown as Record<string, string>)[field] = boundRecordId(value);
    }
    return record;
}

function boundMetadata(record: AuditRecord): AuditRecord {
    if (!record.metadata) return record;
    const full = safeStringify(record.metadata);
    if (bytes(full) <= MAX_RECORD_METADATA_BYTES) return record;
    const kept = Object.fromEntries(Object.entries(record.metadata).slice(0, keptMetadataEntries(record.metadata, safeStringify)));
    return { ...record, metadata: kept, metadataTruncated: true, metadataSha256: sha256Hex(full) };
}

type TextSide = { text: "inputText"; truncated: "inputTruncated"; sha: "inputSha256"; of: "input" } | { text: "outputText"; truncated: "outputTruncated"; sha: "outputSha256"; of: "output" };
const SIDES: TextSide[] = [
    { of: "input", text: "inputText", truncated: "inputTruncated", sha: "inputSha256" },
    { of: "output", text: "outputText", truncated: "outputTruncated", sha: "outputSha256" },
];

/** Cuts prompt and completion to share what the rest of the line leaves, the shorter one first. */
function cutTexts(record: AuditRecord, limit: number): string {
    const sides = SIDES.filter((s) => typeof (record[s.of] as Record<string, unknown>)[s.text] === "string");
    const escaped = new Map<TextSide, string>();
    const shell: AuditRecord = { ...record, input: { ...record.input }, output: { ...record.output } };
    for (const s of sides) {
        const part = shell[s.of] as Record<string, unknown>;
        const text = part[s.text] as string;
        escaped.set(s, JSON.stringify(text).slice(1, -1));
        // The marker, flag and digest are part of the overhead the texts must leave room for.
        Object.assign(part, { [s.text]: TRUNCATION_MARKER, [s.truncated]: true, [s.sha]: (part[s.sha] as string | undefined) ?? sha256Hex(text) });
    }
    const ordered = [...sides].sort((x, y) => bytes(escaped.get(x)!) - bytes(escaped.get(y)!));
    for (const [i, s] of ordered.entries()) {
        // Each text gets an equal share of what is left; a short one leaves the rest to the next.
        const share = Math.max(0, Math.floor((limit - bytes(stringifyRecord(shell))) / (ordered.length - i)));
        const full = escaped.get(s)!;
        const part = shell[s.of] as Record<string, unknown>;
        if (bytes(full) <= share) {
            const original = record[s.of] as Record<string, unknown>;
            Object.assign(part, { [s.text]: original[s.text], [s.truncated]: original[s.truncated], [s.sha]: original[s.sha] });
            if (part[s.truncated] === undefined) delete part[s.truncated];
            if (part[s.sha] === undefined) delete part[s.sha];
            continue;
        }
        part[s.text] = JSON.parse(`"${cutEscaped(full, share)}"`) + TRUNCATION_MARKER;
    }
    const line = stringifyRecord(shell);
    if (bytes(line) <= limit) return line;
    // Only an unforeseen field could get here; the texts give way entirely rather than the record being lost.
    for (const s of sides) (shell[s.of] as Record<string, unknown>)[s.text] = TRUNCATION_MARKER;
    const bare = stringifyRecord(shell);
    // Every field the runtime fills from a caller is bounded, so only a record built elsewhere gets here:
    // a line over the limit would be cut into invalid JSON by Lambda or refused by CloudWatch Logs, so it is lost, and counted so, instead.
    if (bytes(bare) > limit) throw new OversizedRecordError(`the audit record is ${bytes(bare)} bytes with its texts cut, over the ${limit + 1}-byte line limit`);
    return bare;
}

/** A record whose line cannot be brought within the limit (only a record the runtime did not build can be one). */
export class OversizedRecordError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "OversizedRecordError";
    }
}

/** The longest prefix of the JSON-escaped `escaped` within `maxBytes` that ends on a character and escape boundary. */
export function cutEscaped(escaped: string, maxBytes: number): string {
    let prefix = truncateUtf8(escaped, maxBytes).text;
    // An escape (`\n`, `\"`, `\u00e9`) is at most 6 characters: drop a split one.
    for (let i = 0; i < 6; i++) {
        try {
            JSON.parse(`"${prefix}"`);
            return prefix;
        } catch {
            prefix = prefix.slice(0, -1);
        }
    }
    return prefix;
}
