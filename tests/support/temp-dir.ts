/**
 * Fresh folders for tests, all under one root per process that is removed
 * when the process exits. A suite run makes about a thousand of them (plans,
 * copies, reports, bundles), many too large to leave in the OS temp folder;
 * one removal at exit also covers a test that fails before its own clean-up.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let root: string | undefined;

function removeRoot(): void {
    if (root === undefined) return;
    try {
        fs.rmSync(root, { recursive: true, force: true });
    } catch {
        // A failed removal must not turn a passing run into a failing one at exit.
    }
}

/**
 * A new empty folder whose name starts with `prefix` (the caller's, so a
 * failure names what it held), removed with every other one when this process
 * exits, also through `process.exit` (mocha's `--exit`). A child process
 * writing into it is fine: the process that asked for it removes it.
 */
export function makeTempDir(prefix: string): string {
    if (root === undefined) {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-test-"));
        // Synchronous: nothing asynchronous runs once "exit" is emitted.
        process.on("exit", removeRoot);
    }
    return fs.mkdtempSync(path.join(root, prefix));
}
