/** The one IAM model: documents, wildcards, ARNs. Read by the verifier, the policy pack and the contract's own rules. */
export * from "./access-levels";
export * from "./arn";
export * from "./policy-document";
export * from "./statement-scope";
export * from "./wildcard";
