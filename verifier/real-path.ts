import * as fs from "fs";

/** The path `file` resolves to through every link, or undefined when it does not exist (or cannot be resolved). */
export function realPath(file: string): string | undefined {
    try {
        return fs.realpathSync(file);
    } catch {
        return undefined;
    }
}
