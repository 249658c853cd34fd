// Type-checking is done once by `tsc --noEmit`; mocha only transpiles.
process.env.TS_NODE_TRANSPILE_ONLY = "true";

module.exports = {
  require: ["ts-node/register"],
  extension: ["ts"],
  spec: ["test/**/*.test.ts"],
  timeout: 20000,
  exit: true,
};
