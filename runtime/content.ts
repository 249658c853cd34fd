import { MAX_RECORD_METADATA_CHARS, MAX_RECORD_METADATA_DEPTH, MAX_RECORD_METADATA_VALUES, TRUNCATION_MARKER, sha256Hex, truncateUtf8, type ContentMode } from "../contract";
import { UNREADABLE_VALUE, jsonSnapshot, type SnapshotBudget } from "./serialize";

// The cutting rules live in contract/, where the audit chain's checker reads them too.
export { TRUNCATION_MARKER, truncateUtf8 };

/** What a record carries about one text (prompt or completion). */
export interface ContentFields {
    charCount: number;
    sha256?: string;
    text?: string;
    truncated?: boolean;
}

/**
 * The content fields `mode` allows for `text`; `none` yields its length only.
 * `full` keeps the whole text unless `maxBytes` is given: the line a sink
 * writes is cut to its own limit (`recordLine`), and the archive keeps it all.
 */
export function describeContent(text: string, mode: ContentMode, maxBytes = Infinity): ContentFields {
    const charCount = text.length;
    switch (mode) {
        case "none":
            return { charCount };
        case "hash":
            return { charCount, sha256: sha256Hex(text) };
        case "full": {
            const cut = truncateUtf8(text, maxBytes);
            return cut.truncated
                ? { charCount, sha256: sha256Hex(text), text: cut.text + TRUNCATION_MARKER, truncated: true }
                : { charCount, text };
        }
    }
}


/**
 * Where a record cut by `maxContentBytes` keeps its complete prompt and
 * completion for the archive, which keeps them whole. A symbol: JSON, the
 * chain's hash and every line leave it out, and the copies made on the way
 * (the chain link, the log copy) carry it along.
 */
const COMPLETE_TEXT = Symbol("bedrock-tenancy.completeText");

/** The complete texts of a record whose text `maxContentBytes` cut. */
export interface CompleteText {
    inputText?: string;
    outputText?: string;
}

type WithCompleteText = { [COMPLETE_TEXT]?: CompleteText };

/** `record`, holding the complete texts when `maxContentBytes` cut one of them. */
export function withCompleteText<R extends { input: { inputTruncated?: boolean }; output: { outputTruncated?: boolean } }>(record: R, inputText: string, outputText: string | undefined): R {
    if (record.input.inputTruncated || record.output.outputTruncated) {
        (record as R & WithCompleteText)[COMPLETE_TEXT] = {
            inputText: record.input.inputTruncated ? inputText : undefined,
            outputText: record.output.outputTruncated ? outputText : undefined,
        };
    }
    return record;
}

/** The complete texts {@link withCompleteText} kept, if any. */
export function completeTextOf(record: object): CompleteText | undefined {
    return (record as WithCompleteText)[COMPLETE_TEXT];
}

/**
 * Marks metadata (as the model hands it to the logger) of which a part could
 * not be read: a symbol, so it is never taken for a caller's key, and an
 * object spread carries it along.
 */
const UNREADABLE_PARTS = Symbol("bedrock-tenancy.unreadable-metadata");

/** Caller metadata's own values, read once, and whether any part of it could not be read. */
export interface ReadMetadata {
    values: Record<string, unknown>;
    unreadable: boolean;
}

/**
 * The own enumerable values of `metadata`, taken as the call starts, without
 * a throw: a value whose getter throws is {@link UNREADABLE_VALUE}, and
 * metadata that cannot be listed at all (a proxy whose traps throw, a
 * revoked one) has no values, either way marked unreadable. The values
 * themselves are copied later, by {@link describeCallMetadata}.
 */
export function readMetadata(metadata: unknown): ReadMetadata {
    const values: Record<string, unknown> = {};
    if (typeof metadata !== "object" || metadata === null) return { values, unreadable: false };
    let keys: string[];
    let unreadable: boolean;
    try {
        keys = Object.keys(metadata);
        unreadable = (metadata as { [UNREADABLE_PARTS]?: unknown })[UNREADABLE_PARTS] === true;
    } catch {
        return { values, unreadable: true };
    }
    for (const key of keys) {
        let value: unknown;
        try {
            value = (metadata as Record<string, unknown>)[key];
        } catch {
            value = UNREADABLE_VALUE;
            unreadable = true;
        }
        // An own "__proto__" key, as JSON.parse makes one: assigning it would set the prototype instead.
        if (key === "__proto__") Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
        else values[key] = value;
    }
    return { values, unreadable };
}

/** {@link readMetadata}'s values, carrying its mark when a part could not be read. */
export function readableMetadata(metadata: unknown): Record<string, unknown> {
    const read = readMetadata(metadata);
    return read.unreadable ? { ...read.values, [UNREADABLE_PARTS]: true } : read.values;
}

/** Recorded in `none` mode in place of a metadata value whose key is not marked safe. */
export const REDACTED_METADATA_VALUE = "[redacted]";
/** Prefix of a metadata value recorded as a digest in `hash` mode. */
export const METADATA_DIGEST_PREFIX = "sha256:";

/**
 * Caller metadata as `mode` allows. Values can hold content as sensitive as a
 * prompt (a ticket subject, a patient name), so they follow the content mode:
 * replaced by {@link REDACTED_METADATA_VALUE} in `none`, a SHA-256 digest of
 * their JSON in `hash`, kept in `full`. Keys in `safeKeys` are always kept.
 */
export function describeMetadata(metadata: Record<string, unknown>, mode: ContentMode, safeKeys: ReadonlySet<string>): Record<string, unknown> {
    return describeCallMetadata(metadata, mode, safeKeys).metadata;
}

/**
 * {@link describeMetadata}, and whether a value was cut on the way: every
 * value a record keeps (or hashes) is plain JSON data nested at most
 * {@link MAX_RECORD_METADATA_DEPTH} deep, so the record always serializes,
 * and all of them together hold at most {@link MAX_RECORD_METADATA_VALUES}
 * values and {@link MAX_RECORD_METADATA_CHARS} characters, so building,
 * hashing and writing the record take work bounded by those, whatever the
 * caller's value would expand to. In `hash` mode the digest is of the value
 * as cut: the whole could not be written out within them.
 */
export function describeCallMetadata(metadata: Record<string, unknown>, mode: ContentMode, safeKeys: ReadonlySet<string>): { metadata: Record<string, unknown>; truncated: boolean } {
    const described: Record<string, unknown> = {};
    let truncated = false;
    // One budget for all keys: a hashed value is copied as fully as a kept one, so it is charged alike.
    const budget: SnapshotBudget = { values: MAX_RECORD_METADATA_VALUES, chars: MAX_RECORD_METADATA_CHARS };
    const read = readMetadata(metadata);
    truncated ||= read.unreadable;
    for (const key of Object.keys(read.values)) {
        const value = read.values[key];
        // JSON drops undefined values anyway; a marker would invent a key the caller never set.
        if (value === undefined) {
            continue;
        }
        const kept = mode === "full" || safeKeys.has(key);
        if (!kept && mode !== "hash") {
            described[key] = REDACTED_METADATA_VALUE;
            continue;
        }
        // The top level is the metadata object itself, so a value starts one level down.
        const snapshot = jsonSnapshot(value, MAX_RECORD_METADATA_DEPTH - 1, TRUNCATION_MARKER, budget);
        truncated ||= snapshot.cut;
        const entry = kept ? snapshot.value : METADATA_DIGEST_PREFIX + sha256Hex(String(JSON.stringify(snapshot.value)));
        if (entry === undefined) continue;
        // An own "__proto__" key, as JSON.parse makes one: assigning it would set the prototype instead.
        if (key === "__proto__") Object.defineProperty(described, key, { value: entry, enumerable: true, writable: true, configurable: true });
        else described[key] = entry;
    }
    return { metadata: described, truncated };
}
