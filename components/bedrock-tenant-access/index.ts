export * from "./args";
export * from "./bedrock-tenant-access";
export * from "./permissions-policy";
export * from "./trust-policy";
export * from "./validation";
