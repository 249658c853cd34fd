/**
 * `npm run twin:check -- [--plans DIR]`: runs the shipped runtime, the docs'
 * application block, the HTTP-service example, the quota loop and the cost
 * cap against the enforcing stand-ins built from the plans (scripts/twin), so
 * a policy AWS would refuse fails here. Without --plans it first plans this
 * project's stacks into plan/, as `npm start` does. Prints one line per
 * expectation, then `N passed, M failed`; exits 0 only when all hold, 2 when
 * the plans cannot be read or the build is missing.
 */
// First: it stops with a clear message when the build the checks import is missing.
import "./twin/require-build";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { optionErrorMessage } from "../verifier/option-errors";
import { counted } from "../verifier/report";
import { runPlan } from "./plan/run-start";
import { ROOT, exportedTenants, opsStacks, runtimeFunctions, type Expectation } from "./twin/check-context";
import { computeExpectations } from "./twin/compute-checks";
import { docExpectations } from "./twin/doc-checks";
import { lambdaExpectations } from "./twin/lambda-checks";
import { costCapExpectations, quotaLoopExpectations } from "./twin/loop-checks";
import { buildModel, readPlanFolder } from "./twin/plan-model";
import { AwsTwin } from "./twin/twin";

const USAGE = `usage: npm run twin:check -- [--plans DIR]

Runs the built runtime against local AWS stand-ins that enforce the plans' IAM policies,
one line per expectation, then "N passed, M failed".

  --plans DIR   the plan files to check (pulumi stack export files, one per stack);
                default: this project's stacks, planned into plan/ first
  -h, --help    print this help`;

function readArgs(): { plans?: string; help: boolean } {
    try {
        return parseArgs({ options: { plans: { type: "string" }, help: { type: "boolean", short: "h", default: false } } }).values;
    } catch (e) {
        throw new Error(optionErrorMessage(e, ["plans", "help"]));
    }
}

async function main(): Promise<number> {
    const values = readArgs();
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    let dir = values.plans ? path.resolve(values.plans) : undefined;
    if (dir !== undefined) {
        const stat = fs.statSync(dir, { throwIfNoEntry: false });
        if (!stat?.isDirectory()) throw new Error(`--plans ${values.plans}: ${stat ? "not a folder" : "no such folder"}`);
    }
    if (!dir) {
        dir = path.join(ROOT, "plan");
        const planned = await runPlan({ projectDir: ROOT, outDir: dir, log: () => undefined });
        if (planned.violations.length > 0) process.stdout.write(`note: the verifier reports ${counted(planned.violations.length, "violation")} on these plans (npm start shows them)\n`);
    }
    const stacks = readPlanFolder(dir);
    const ops = opsStacks(stacks);
    const model = buildModel(stacks);
    // Started below, after the expectations that read it through `current` are built.
    // eslint-disable-next-line prefer-const
    let twin: AwsTwin | undefined;
    const current = () => twin!;
    const expectations: Expectation[] = [];
    for (const fn of runtimeFunctions(stacks)) {
        expectations.push(...lambdaExpectations(current, fn));
        const tenant = exportedTenants(ops).find((t) => t.tenantId === fn.environment.BEDROCK_TENANCY_TENANT_ID);
        if (!tenant) continue;
        if (model.functions.some((f) => f.bundlePath?.endsWith(path.join("enforcer", "index.mjs"))) && model.roles.has(tenant.roleArn)) {
            expectations.push(...quotaLoopExpectations(current, fn, tenant));
        }
        const cap = model.budgetActions.find((a) => a.roles.includes(tenant.roleArn.split("/").pop()!));
        if (cap) expectations.push(...costCapExpectations(current, fn, tenant, cap.budgetName));
        expectations.push(...docExpectations(current, fn, tenant));
    }
    const tenantChecks = computeExpectations(ops, exportedTenants(ops));

    let passed = 0;
    let failed = 0;
    const report = (ok: boolean, name: string, why?: string) => {
        if (ok) passed++;
        else failed++;
        process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}${why ? ` -- ${why.replace(/\s*\n\s*/g, " ")}` : ""}\n`);
    };
    twin = await AwsTwin.start(stacks);
    try {
        for (const e of expectations) {
            await e.run().then(() => report(true, e.name), (err: Error) => report(false, e.name, err.message));
        }
    } finally {
        await twin.close();
    }
    // Each compute kind plans its own customer stack and runs against its own stand-ins.
    for (const e of tenantChecks) {
        await e.run().then(() => report(true, e.name), (err: Error) => report(false, e.name, err.message));
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed === 0 && passed > 0 ? 0 : 1;
}

// A check awaiting something that can never settle would let the event loop empty and exit 0: that is a failure.
process.exitCode = 2;
process.on("exit", (code) => {
    if (code === 2 && !finished) process.stderr.write("twin:check stopped before its last expectation (a call that can never settle)\n");
});
let finished = false;

main().then(
    (code) => {
        finished = true;
        process.exit(code);
    },
    (err) => {
        // Stopped by an error it names (a bad argument, unreadable plans), not by a call that never settled.
        finished = true;
        process.stderr.write(`twin:check could not run: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
    },
);
