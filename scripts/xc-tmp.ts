import * as fs from "fs";
const root = process.argv[2];
const { readStackState } = require(root + "/verifier/pulumi-formats");
const { verifyStates } = require(root + "/verifier/verify");
const { crossCheckCases } = require(root + "/scripts/plan/cross-check-fleet");
const { crossCheck } = require(root + "/scripts/plan/cross-check");
(async () => {
    const f = "/tmp/planner-t1k/ops.json";
    const v = verifyStates([readStackState(f, fs.readFileSync(f, "utf8"))]);
    const cases = crossCheckCases(v).slice(0, Number(process.argv[3] ?? 200));
    await crossCheck(cases.slice(0, 20));
    const c0 = process.cpuUsage();
    const r = await crossCheck(cases);
    const c = process.cpuUsage(c0);
    console.log(root, "requests", r.requests, "disagree", r.disagreements.length, "cpu ms", Math.round((c.user + c.system) / 1000));
})();
