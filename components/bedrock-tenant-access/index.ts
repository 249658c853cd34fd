export * from "./args";
export * from "./quota-alarms";
export * from "./quota-validation";
export * from "./bedrock-tenant-access";
export * from "./permissions-policy";
export * from "./trust-policy";
export * from "./validation";
