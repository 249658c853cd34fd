export * from "./naming";
export * from "./logging-args";
export * from "./logging-validation";
export * from "./log-key-policy";
export * from "./runtime-role-policy";
export * from "./metric-filters";
export * from "./private-invocation-logging";
