/**
 * A plan worker runs one stack program after another, so each plan loads the
 * program's own modules again and its top-level code runs again. Libraries
 * (the Pulumi SDKs, the components) stay loaded: that is the start-up a worker
 * saves. The Pulumi runtime's per-stack state is reset through its public
 * `setMocks` and `setAllConfig` (`stack-worker.ts`).
 */
import * as path from "path";

/**
 * Unloads every module under the program's folder (outside node_modules,
 * which holds no program code). Node also lists a module
 * among its parent's children: left there, the last plan's exports (and with
 * them its whole resource graph) would stay reachable.
 */
export function unloadProgram(programPath: string): void {
    const entry = require.resolve(programPath);
    const folder = path.dirname(entry) + path.sep;
    const unloaded = new Set<NodeJS.Module>();
    for (const [id, mod] of Object.entries(require.cache)) {
        if (mod && id.startsWith(folder) && !id.slice(folder.length).split(path.sep).includes("node_modules")) {
            unloaded.add(mod);
            delete require.cache[id];
        }
    }
    if (unloaded.size === 0) return;
    for (const mod of Object.values(require.cache)) {
        if (mod?.children?.some((c) => unloaded.has(c))) mod.children = mod.children.filter((c) => !unloaded.has(c));
    }
}
