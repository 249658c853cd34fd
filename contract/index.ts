/**
 * The ground floor: everything the deploy side (`components/`) and the run
 * side (`runtime/`) must agree on. It imports neither wing, nor Pulumi, nor
 * LangChain.
 */
export * from "./arns";
export * from "./audit-schema";
export * from "./audit-fields";
export * from "./audit-metric-filters";
export * from "./session-tags";
export * from "./fleet-rules";
export * from "./iam-quotas";
export * from "./metering-rules";
export * from "./identifiers";
export * from "./models";
export * from "./modes";
export * from "./naming";
export * from "./quotas";
export * from "./quota-enforcer-names";
export * from "./runtime-compute";
export * from "./runtime-environment";
export * from "./validation";
export * from "./archive";
export * from "./archive-rules";
export * from "./audit-chain";
export * from "./iam";
export * from "./record-limits";
export * from "./run-time-controls";
export * from "./throttle-alarm";
