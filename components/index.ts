/**
 * Public surface of `bedrock-tenancy`: the two components, their arguments,
 * checks and policy builders, and the contract both accounts share.
 */
export * from "../contract";
export * from "./bedrock-tenant-access";
export * from "./private-invocation-logging";
export * from "./quota-enforcer";
export * from "./bedrock-tenant-fleet";
