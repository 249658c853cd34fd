/** The isolation verifier: `verifyFiles` / `verifyStates`, its normal forms and reports. Pure TypeScript on contract/ only. */
export * from "./intent";
export * from "./permissions-reducer";
export * from "./pulumi-formats";
export * from "./report";
export * from "./tenant-proof";
export * from "./trust-reducer";
export * from "./verify";
export { entitlementsOf, intendedCallers } from "./entitlements";
export * from "./audit";
