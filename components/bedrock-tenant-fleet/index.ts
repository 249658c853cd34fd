export * from "./args";
export * from "./bedrock-tenant-fleet";
export * from "./known-models";
export { editDistance, nearestKnownModelId, offlineModelProblem, runningUnderMocks } from "./model-catalogue";
export * from "./tenant-access-entry";
export * from "./handoff";
export * from "./validation";
