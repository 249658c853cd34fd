/**
 * Reads one plan file the user names. `pulumi stack export` may be piped in
 * (`<(pulumi stack export --show-secrets)` names a pipe), so only the size is
 * bounded: a regular file by its length before it is read, anything else
 * (a pipe, a device such as /dev/zero) as it is read. Without a bound, an
 * endless input ran the process out of memory, which ended it with a native
 * abort and no message.
 */
import * as fs from "fs";
import { constants, isUtf8 } from "buffer";
import { UnreadableInputError } from "./pulumi-formats";
import { POWERSHELL_UTF8, byteOrderMark, wideEncoding } from "./text-encoding";

/** The most bytes one text can be made of: past it no JSON of one stack can be parsed whole. */
export const MAX_PLAN_BYTES = constants.MAX_STRING_LENGTH;

const READ_CHUNK_BYTES = 1 << 20;

export function readPlanText(file: string, maxBytes: number = MAX_PLAN_BYTES): string {
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (err) {
        throw new UnreadableInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const tooLarge = () => new UnreadableInputError(`${file} holds more than ${maxBytes} bytes, more than one text can hold: no plan of one stack is that large`);
    try {
        const stat = fs.fstatSync(fd);
        if (stat.isFile()) {
            if (stat.size > maxBytes) throw tooLarge();
            return utf8Text(file, fs.readFileSync(fd));
        }
        if (stat.isDirectory()) throw new UnreadableInputError(`${file} is a folder: give one plan file per stack`);
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
            const read = fs.readSync(fd, chunk, 0, chunk.length, null);
            if (read === 0) break;
            total += read;
            if (total > maxBytes) throw tooLarge();
            chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
        }
        return utf8Text(file, Buffer.concat(chunks, total));
    } catch (err) {
        if (err instanceof UnreadableInputError) throw err;
        throw new UnreadableInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * The bytes as text, if they are UTF-8. Pulumi writes its JSON as UTF-8 and
 * escapes anything else; decoding other bytes would put U+FFFD where they
 * were, a policy the file does not hold, while another reader may decode
 * them otherwise. Node's own validator reads hundreds of megabytes in
 * milliseconds; the offset is found only once the file is refused.
 */
function utf8Text(file: string, bytes: Buffer): string {
    const reencoded = reencoding(bytes);
    if (reencoded !== undefined) throw new UnreadableInputError(`${file} ${reencoded}, which Pulumi never writes: the file was re-encoded on its way (\`pulumi stack export --file\` writes it as Pulumi does); write it again as UTF-8 without a byte order mark (${POWERSHELL_UTF8})`);
    const text = bytes.toString("utf8");
    if (isUtf8(bytes)) return text;
    throw new UnreadableInputError(`${file} is not UTF-8 text: byte ${firstInvalidByte(bytes, text)} begins a sequence no UTF-8 encoder writes; Pulumi writes its JSON as UTF-8`);
}

/** What the file's first bytes show of an encoding Pulumi does not write, if they show one. */
function reencoding(bytes: Buffer): string | undefined {
    const mark = byteOrderMark(bytes);
    if (mark?.encoding === "UTF-8") return `starts with a UTF-8 byte order mark (${mark.spelled})`;
    const wide = wideEncoding(bytes);
    return wide === undefined ? undefined : `is ${wide.encoding} text (${wide.how})`;
}

/**
 * Where the first bytes that are not UTF-8 are. Before them the decoder
 * read every character as written, so the first U+FFFD not spelled out in
 * the file as its own three bytes marks them.
 */
function firstInvalidByte(bytes: Buffer, text: string): number {
    let offset = 0;
    let from = 0;
    for (let at = text.indexOf("\uFFFD"); at !== -1; at = text.indexOf("\uFFFD", at + 1)) {
        offset += Buffer.byteLength(text.slice(from, at));
        from = at;
        if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    }
    return offset;
}
