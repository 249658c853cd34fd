/**
 * What a file's first bytes tell of an encoding other than plain UTF-8.
 * Pulumi, CloudWatch Logs and the AWS CLI write UTF-8 without a byte order
 * mark; a file that starts otherwise was re-encoded on its way, most often
 * by a Windows shell (PowerShell 5's `>` writes UTF-16LE with a mark, its
 * `Out-File -Encoding utf8` UTF-8 with one). Naming that is the useful
 * error: the bytes alone read as "not JSON" at an invisible character.
 */

type Encoding = "UTF-32LE" | "UTF-32BE" | "UTF-8" | "UTF-16LE" | "UTF-16BE";

const MARKS: readonly { bytes: readonly number[]; encoding: Encoding }[] = [
    // UTF-32LE's mark begins with UTF-16LE's, so it is tried first.
    { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "UTF-32LE" },
    { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "UTF-32BE" },
    { bytes: [0xef, 0xbb, 0xbf], encoding: "UTF-8" },
    { bytes: [0xff, 0xfe], encoding: "UTF-16LE" },
    { bytes: [0xfe, 0xff], encoding: "UTF-16BE" },
];

export interface ByteOrderMark {
    encoding: Encoding;
    /** The mark as written, e.g. `FF FE`. */
    spelled: string;
}

/** The byte order mark `bytes` start with, if any. */
export function byteOrderMark(bytes: Uint8Array): ByteOrderMark | undefined {
    const mark = MARKS.find((m) => m.bytes.length <= bytes.length && m.bytes.every((b, i) => bytes[i] === b));
    if (mark === undefined) return undefined;
    return { encoding: mark.encoding, spelled: mark.bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ") };
}

/** Bytes of a UTF-8 byte order mark `bytes` start with (0 or 3): text readers that accept one skip it. */
export function utf8MarkLength(bytes: Uint8Array): number {
    return byteOrderMark(bytes)?.encoding === "UTF-8" ? 3 : 0;
}

/**
 * The encoding of text that starts with an ASCII character in UTF-16 or
 * UTF-32 without a mark: the NUL bytes beside it. JSON text holds no NUL
 * byte in UTF-8, so this only names why a file is already refused.
 */
export function unmarkedWideEncoding(bytes: Uint8Array): string | undefined {
    if (bytes.length < 4) return undefined;
    const [a, b, c, d] = bytes;
    if (isAsciiText(a) && b === 0 && c === 0 && d === 0) return "UTF-32LE";
    if (a === 0 && b === 0 && c === 0 && isAsciiText(d)) return "UTF-32BE";
    if (isAsciiText(a) && b === 0) return "UTF-16LE";
    if (a === 0 && isAsciiText(b)) return "UTF-16BE";
    return undefined;
}

/**
 * The wide encoding (UTF-16 or UTF-32) `bytes` start in, by their mark or the
 * NUL bytes beside their first characters, with how that shows; a UTF-8 mark
 * is not one.
 */
export function wideEncoding(bytes: Uint8Array): { encoding: string; how: string } | undefined {
    const mark = byteOrderMark(bytes);
    if (mark !== undefined) return mark.encoding === "UTF-8" ? undefined : { encoding: mark.encoding, how: `it starts with the byte order mark ${mark.spelled}` };
    const unmarked = unmarkedWideEncoding(bytes);
    return unmarked === undefined ? undefined : { encoding: unmarked, how: "NUL bytes stand beside its first characters" };
}

/** A printable ASCII character or JSON whitespace: what a text file's first character is, unlike a binary file's first byte. */
function isAsciiText(byte: number): boolean {
    return (byte >= 0x20 && byte <= 0x7e) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** How PowerShell writes a command's output as UTF-8 without a mark, for an error's last words. */
export const POWERSHELL_UTF8 = "in PowerShell 6 or later: `| Out-File -Encoding utf8NoBOM`";
