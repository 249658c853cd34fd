/**
 * Output folders named on a command line, created as `mkdir -p` creates them.
 * `fs.mkdirSync(dir, { recursive: true })` takes ENOENT on a level whose
 * parent exists as a reason to create the parent again, so under a pseudo file
 * system that refuses new entries with ENOENT (/proc, /sys) it never returns.
 * Here each missing level is created once, and the first that cannot be ends
 * the attempt with an error naming it.
 */
import * as fs from "fs";
import * as path from "path";

/** An error with the path that could not be a folder; `code` is the system's, so command lines print it as one line. */
export class FolderError extends Error {
    constructor(readonly folder: string, why: string, readonly code: string) {
        super(`cannot create the folder ${folder}: ${why}`);
        this.name = "FolderError";
    }
}

/** Creates `dir` and any missing parents; a folder already there is fine. */
export function makeFolder(dir: string): void {
    const missing: string[] = [];
    let at = path.resolve(dir);
    while (fs.statSync(at, { throwIfNoEntry: false }) === undefined) {
        missing.unshift(at);
        const parent = path.dirname(at);
        if (parent === at) break;
        at = parent;
    }
    if (missing[0] !== at && !fs.statSync(at).isDirectory()) throw new FolderError(missing[0] ?? at, `${at} is not a folder`, "ENOTDIR");
    for (const level of missing) {
        try {
            fs.mkdirSync(level);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? "EIO";
            if (code === "EEXIST" && fs.statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
            // ENOENT with the parent in place: the file system itself takes no new folder there.
            const why = code === "ENOENT" ? `${path.dirname(level)} does not take new folders` : (e as Error).message;
            throw new FolderError(level, why, code);
        }
    }
}
