/** Runs one share of the per-tenant isolation checks in its own process (see tenant-checks.ts). */
import * as fs from "fs";
import { runTenantChecks } from "./tenant-checks";

runTenantChecks(JSON.parse(fs.readFileSync(process.argv[2], "utf8"))).then(
    (checks) => fs.writeFileSync(process.argv[3], JSON.stringify(checks)),
    (err) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
