import * as fs from "fs"; import * as os from "os"; import * as path from "path";
import { writeShardedProject } from "./plan/synthetic-directory";
import { shardTenantsFromConfig } from "../stacks/directory-config";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "planner-dir-"));
writeShardedProject(path.resolve(__dirname, ".."), 10000, 3, dir);
const cfg: Record<string, string> = { directory: path.join(dir, "tenant-directory.json"), shard: "ops-1-1" };
const reader = { get: (k: string) => cfg[k], getObject: <T>(_k: string) => undefined as T | undefined };
for (let i = 0; i < 3; i++) { const t = performance.now(); const s = shardTenantsFromConfig(reader, ["900000000001"]); console.log(s!.tenants.length, Math.round(performance.now() - t), "ms"); }
fs.rmSync(dir, { recursive: true });
