/**
 * Reads one plan file the user names. `pulumi stack export` may be piped in
 * (`<(pulumi stack export --show-secrets)` names a pipe), so only the size is
 * bounded: a regular file by its length before it is read, anything else
 * (a pipe, a device such as /dev/zero) as it is read. Without a bound, an
 * endless input ran the process out of memory, which ended it with a native
 * abort and no message.
 */
import * as fs from "fs";
import { constants } from "buffer";
import { UnreadableInputError } from "./pulumi-formats";

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
            return fs.readFileSync(fd, "utf8");
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
        return Buffer.concat(chunks, total).toString("utf8");
    } catch (err) {
        if (err instanceof UnreadableInputError) throw err;
        throw new UnreadableInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    } finally {
        fs.closeSync(fd);
    }
}
