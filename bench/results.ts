import type { ArchiveResult } from "./archive";
import type { AuditChainResult } from "./audit-chain";
import type { AwsCallsResult } from "./aws-calls";
import type { BundleResult } from "./bundle";
import type { ConcurrencyResult } from "./concurrency";
import type { IsolationProofResult } from "./isolation-proof";
import type { MachineInfo } from "./machine";
import type { PlanningResult } from "./planning";
import type { RequestPathResult } from "./request-path";
import type { StreamingResult } from "./streaming";

/** What `npm run bench` writes to bench/results.json. */
export interface BenchResults {
    startedAt: string;
    durationMs: number;
    machine: MachineInfo;
    requestPath: RequestPathResult;
    awsCalls: AwsCallsResult;
    concurrency: ConcurrencyResult;
    bundle: BundleResult;
    planning: PlanningResult;
    /** Absent in results measured before the archive benchmark existed. */
    archive?: ArchiveResult;
    isolationProof?: IsolationProofResult;
    streaming?: StreamingResult;
    auditChain?: AuditChainResult;
    /** Sections run alone (`--only`) since the whole run and merged in: section title → when (ISO-8601). */
    rerun?: Record<string, string>;
}
