// Type-checking happens once in `npm test` (tsc --noEmit); mocha only transpiles.
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_FILES = "true";

module.exports = {
  require: ["ts-node/register"],
  extension: ["ts"],
  spec: ["tests/**/*.test.ts"],
  // The consumer project runs its own suite against the packed package (npm run test:consumer).
  ignore: ["tests/consumer/**"],
  recursive: true,
  timeout: 20000,
  exit: true,
};
