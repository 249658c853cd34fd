/**
 * Whether text that does not parse is the start of a record cut short. The
 * runtime writes a record's keys in canonical order, so its schema type comes
 * late and its chain link after a few ids: a line cut early holds neither,
 * only keys. A line whose object, read as far as it goes, has only keys of
 * the audit record, a close record or a checkpoint, at least one of them
 * whole, is such a start. A log pipeline that re-serialized the record may
 * have reordered the keys, so order is not required.
 */
import type { ChainCheckpoint, ChainRecord } from "../../contract/audit-chain";
import { AUDIT_FIELDS } from "../../contract/audit-fields";

const CLOSE_RECORD_KEYS: Record<keyof ChainRecord, true> = { schemaType: true, schemaVersion: true, event: true, timestamp: true, tenantId: true, records: true, chain: true, archive: true };
const CHECKPOINT_KEYS: Record<keyof ChainCheckpoint, true> = { schemaType: true, schemaVersion: true, tenantId: true, writer: true, seq: true, hash: true, at: true, final: true };
const RECORD_KEYS: ReadonlySet<string> = new Set([...Object.keys(AUDIT_FIELDS), ...Object.keys(CLOSE_RECORD_KEYS), ...Object.keys(CHECKPOINT_KEYS)]);

/** Wrapped messages tried per text: a line wraps the record once or twice. */
const MAX_STARTS = 8;
/** Where a wrapped record begins once its escapes are decoded: a CloudWatch event's or Lambda's JSON log line's `message`. */
const MESSAGE_START = '"message":"{"';

/**
 * True when the line's own object, or a wrapped message's (as decoded text
 * spells it), reads up to where the text ends as a record's keys. An object
 * nested anywhere else (a platform line's `record`, say) is not a record.
 */
export function startsCutRecord(text: string): boolean {
    const first = text.indexOf("{");
    if (first < 0) return false;
    if (text.startsWith('{"', first) && keysAreRecords(text, first)) return true;
    let from = first;
    for (let tried = 0; tried < MAX_STARTS; tried++) {
        const at = text.indexOf(MESSAGE_START, from);
        if (at < 0) return false;
        const start = at + MESSAGE_START.length - 2;
        if (keysAreRecords(text, start)) return true;
        from = start;
    }
    return false;
}

/**
 * Reads the object at `start` key by key, skipping each value (strings,
 * numbers, literals, nested objects and arrays) without parsing it, until the
 * object or the text ends. False at the first key that is not a record's, or
 * at anything that is not JSON.
 */
function keysAreRecords(text: string, start: number): boolean {
    let i = start + 1;
    let wholeKeys = 0;
    for (;;) {
        i = skipSpace(text, i);
        if (i >= text.length) return wholeKeys > 0;
        if (text[i] !== '"') return false;
        const end = stringEnd(text, i);
        // A key cut in the middle: the keys before it decide.
        if (end < 0) return wholeKeys > 0;
        if (!RECORD_KEYS.has(text.slice(i + 1, end))) return false;
        wholeKeys++;
        i = skipSpace(text, end + 1);
        if (i >= text.length) return true;
        if (text[i] !== ":") return false;
        i = skipValue(text, skipSpace(text, i + 1));
        if (i < 0) return true;
        i = skipSpace(text, i);
        if (i >= text.length) return true;
        // The object closed whole yet the line did not parse: not a cut, some other damage, which is not this reader's to claim.
        if (text[i] === "}") return false;
        if (text[i] !== ",") return false;
        i++;
    }
}

function skipSpace(text: string, i: number): number {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    return i;
}

/** Index of the quote closing the string opened at `open`, or -1 when the text ends first. */
function stringEnd(text: string, open: number): number {
    for (let i = open + 1; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === '"') return i;
    }
    return -1;
}

/** Index just past the value at `i`, or -1 when the text ends inside it. */
function skipValue(text: string, i: number): number {
    if (i >= text.length) return -1;
    if (text[i] === '"') {
        const end = stringEnd(text, i);
        return end < 0 ? -1 : end + 1;
    }
    if (text[i] !== "{" && text[i] !== "[") {
        // A number or a literal runs to the next delimiter.
        while (i < text.length && text[i] !== "," && text[i] !== "}" && text[i] !== "]" && text[i] !== " " && text[i] !== "\n") i++;
        return i >= text.length ? -1 : i;
    }
    let depth = 0;
    for (; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            const end = stringEnd(text, i);
            if (end < 0) return -1;
            i = end;
        } else if (c === "{" || c === "[") {
            depth++;
        } else if (c === "}" || c === "]") {
            depth--;
            if (depth === 0) return i + 1;
        }
    }
    return -1;
}
