import { strict as assert } from "assert";
import { spawn } from "child_process";
import { treeRssKb } from "../../bench/tree-rss";

describe("resident memory of a process tree", function () {
    this.timeout(60_000);

    it("counts a child's memory with its parent's", async () => {
        // A child that holds 200 MiB resident until it is killed.
        const child = spawn(process.execPath, ["-e", "const b = Buffer.alloc(200 * 2 ** 20, 1); console.log('ready'); setInterval(() => b[0]++, 1000);"], { stdio: ["ignore", "pipe", "inherit"] });
        try {
            await new Promise((resolve) => child.stdout.once("data", resolve));
            const withChild = treeRssKb(process.pid);
            // This process's own memory read at the same moment: it may have shrunk since the child started.
            const own = process.memoryUsage.rss() / 1024;
            assert.ok(withChild - own > 200 * 1024, `the tree holds ${withChild - own} kB beyond this process only`);
            assert.ok(treeRssKb(child.pid!) > 200 * 1024);
        } finally {
            child.kill();
        }
    });

    it("is 0 for a process that does not exist", () => {
        assert.equal(treeRssKb(2 ** 22 + 12345), 0);
    });
});
