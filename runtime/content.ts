import { createHash } from "crypto";
import type { ContentMode } from "./audit-schema";

export type { ContentMode } from "./audit-schema";

/** Every accepted content mode, in order of how much they reveal. */
export const CONTENT_MODES: readonly ContentMode[] = ["none", "hash", "full"];

/** Prompts and completions are not recorded unless the customer opts in. */
export const DEFAULT_CONTENT_MODE: ContentMode = "none";

/**
 * Most UTF-8 bytes of prompt or completion text one record carries in `full`
 * mode. Two fields of this size plus the largest metadata keep a record under
 * 256 KiB, the size at which Lambda cuts a log line, and far under the 1 MiB
 * CloudWatch Logs allows per event.
 */
export const MAX_CONTENT_TEXT_BYTES = 96 * 1024;

/** Appended to text cut at {@link MAX_CONTENT_TEXT_BYTES}. */
export const TRUNCATION_MARKER = "…[truncated]";

/** What a record carries about one text (prompt or completion). */
export interface ContentFields {
    charCount: number;
    sha256?: string;
    text?: string;
    truncated?: boolean;
}

/** Throws a `TypeError` naming `name` unless `value` is a content mode. */
export function parseContentMode(value: unknown, name: string): ContentMode {
    if (typeof value === "string" && (CONTENT_MODES as readonly string[]).includes(value)) {
        return value as ContentMode;
    }
    throw new TypeError(`${name} must be one of ${CONTENT_MODES.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The content fields `mode` allows for `text`; `none` yields its length only. */
export function describeContent(text: string, mode: ContentMode, maxBytes = MAX_CONTENT_TEXT_BYTES): ContentFields {
    const charCount = text.length;
    switch (mode) {
        case "none":
            return { charCount };
        case "hash":
            return { charCount, sha256: createHash("sha256").update(text, "utf8").digest("hex") };
        case "full": {
            const cut = truncateUtf8(text, maxBytes);
            return cut.truncated ? { charCount, text: cut.text + TRUNCATION_MARKER, truncated: true } : { charCount, text };
        }
    }
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
    if (Buffer.byteLength(text, "utf8") <= maxBytes) {
        return { text, truncated: false };
    }
    const bytes = Buffer.from(text, "utf8");
    let end = maxBytes;
    // Step back over UTF-8 continuation bytes (10xxxxxx) to a character start.
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
        end--;
    }
    return { text: bytes.subarray(0, end).toString("utf8"), truncated: true };
}
