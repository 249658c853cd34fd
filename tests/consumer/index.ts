import * as pulumi from "@pulumi/pulumi";

// One project, one stack per account: `acme-bedrock:program` is "ops" or "customer".
const program = new pulumi.Config().require("program");
export = program === "ops" ? require("./ops") : require("./customer");
