export * from "./args";
export * from "./key-policy";
export * from "./lambda-bundle";
export * from "./metric-filters";
export * from "./private-invocation-logging";
export * from "./runtime-network";
export * from "./runtime-role-policy";
export * from "./validation";
