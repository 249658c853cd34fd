/**
 * A module of this repository loaded afresh, with one export of a module it
 * reaches replaced: the way to put a fault or a counter inside the code under
 * test. A module's exports cannot be assigned in place (CommonJS output of
 * ES modules defines them as getters), so the modules are loaded again,
 * the replaced one first, and the cache is put back as it was afterwards.
 */
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

function ownModules(): string[] {
    return Object.keys(require.cache).filter((id) => id.startsWith(REPO + path.sep) && !id.includes(NODE_MODULES));
}

/**
 * Runs `body` with `entry` (a path from the repository root, without
 * extension) loaded afresh, every module of the repository it reaches too,
 * and `target`'s export `name` replaced by what `replace` makes of the
 * fresh original.
 */
export async function withReplacedExport<E, F>(entry: string, target: string, name: string, replace: (original: F) => F, body: (loaded: E) => Promise<void>): Promise<void> {
    const saved = new Map(ownModules().map((id) => [id, require.cache[id]!]));
    for (const id of saved.keys()) delete require.cache[id];
    try {
        const targetPath = require.resolve(path.join(REPO, target));
        const real = require(targetPath) as Record<string, unknown>;
        const replaced: Record<string, unknown> = {};
        Object.defineProperty(replaced, "__esModule", { value: true });
        if (typeof real[name] !== "function") throw new Error(`${target} has no function export ${name}`);
        for (const key of Object.keys(real)) Object.defineProperty(replaced, key, key === name ? { enumerable: true, value: replace(real[name] as F) } : { enumerable: true, get: () => real[key] });
        require.cache[targetPath]!.exports = replaced;
        await body(require(path.join(REPO, entry)) as E);
    } finally {
        for (const id of ownModules()) delete require.cache[id];
        for (const [id, module] of saved) require.cache[id] = module;
    }
}
