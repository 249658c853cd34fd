export * from "./cost-cap-policies";
export * from "./enforcer-bundle";
export * from "./enforcer-policy";
export * from "./quota-enforcer";
