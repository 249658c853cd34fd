import { TRUNCATION_MARKER, sha256Hex, truncateUtf8, type ContentMode } from "../contract";
import { safeStringify } from "./serialize";

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
    const described: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(metadata)) {
        // JSON drops undefined values anyway; a marker would invent a key the caller never set.
        if (value === undefined) {
            continue;
        }
        described[key] =
            mode === "full" || safeKeys.has(key) ? value
            : mode === "hash" ? METADATA_DIGEST_PREFIX + sha256Hex(String(safeStringify(value)))
            : REDACTED_METADATA_VALUE;
    }
    return described;
}
