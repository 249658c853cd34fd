import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./temp-dir";

const REPO = path.resolve(__dirname, "..", "..");

/**
 * The repository's tree without `dist/`: a clone after `npm ci`, before
 * `npm run build`. Entries are links to the repository, except those in
 * `copied`, which are real copies: Node runs a script from its real path, so
 * a script that finds the package root from its own folder must be a copy.
 */
export function unbuiltClone(copied: readonly string[] = []): string {
    const clone = makeTempDir("bedrock-tenancy-unbuilt-");
    for (const entry of fs.readdirSync(REPO)) {
        if (entry === "dist" || entry === ".git") continue;
        if (copied.includes(entry)) fs.cpSync(path.join(REPO, entry), path.join(clone, entry), { recursive: true });
        else fs.symlinkSync(path.join(REPO, entry), path.join(clone, entry));
    }
    return clone;
}
