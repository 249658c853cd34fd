/** Runs one share of the per-tenant isolation checks in its own process (see tenant-checks.ts). */
import { serveJsonWorker } from "../../lib/json-worker";
import { runTenantChecks } from "./tenant-checks";

serveJsonWorker(runTenantChecks);
