/**
 * A plan worker runs one stack program after another, so each plan starts
 * from what a new process would have: the Pulumi runtime's state (settings,
 * config, stack resource, feature flags) is one store, replaced here, and
 * the program's own modules are loaded again, so its top-level code runs
 * again. Libraries (the Pulumi SDKs, the components) stay loaded: that is
 * the start-up a worker saves.
 */
import * as path from "path";

interface RuntimeState {
    LocalStore: new () => object;
}

/** Gives the Pulumi runtime a new store: every setting and the stack resource of the last plan are dropped. */
export function freshPulumiStore(): void {
    const { LocalStore } = require("@pulumi/pulumi/runtime/state") as RuntimeState;
    (globalThis as { globalStore?: object }).globalStore = new LocalStore();
    (globalThis as { stackResource?: unknown }).stackResource = undefined;
}

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
