import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { proveIsolation } from "./isolation/prove-isolation";
import { renderReport } from "./isolation/report";
import { countByType, renderTree } from "./resource-tree";
import { planStacks, type StackPlan } from "./run-plan";
import { MASK, maskSecrets } from "./secrets";
import { writeSyntheticProject } from "./synthetic-tenants";

export interface RunOptions {
    projectDir: string;
    stacks?: string[];
    /** Plan a synthetic ops stack of this many tenants instead of the project's stacks. */
    tenants?: number;
    outDir: string;
    log: (line: string) => void;
    tamper?: (plans: StackPlan[]) => void;
}

export interface RunResult {
    plans: StackPlan[];
    violations: string[];
    reportPath?: string;
}

/** Tenants each tenant is tried against beyond this many: neighbours only, to stay linear. */
const FULL_MATRIX_LIMIT = 50;
const NEIGHBOUR_SAMPLE = 5;

export async function runPlan(options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const synthetic = options.tenants ? writeSyntheticProject(options.projectDir, options.tenants, fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-synthetic-"))) : undefined;
    synthetic?.notes.forEach((n) => options.log(n));
    const plans = await planStacks({
        projectDir: synthetic?.dir ?? options.projectDir,
        stacks: synthetic ? ["ops"] : options.stacks,
        // Always this package's program: a project folder given on the command line only supplies config.
        programPath: path.resolve(__dirname, "../../stacks"),
    });
    fs.mkdirSync(options.outDir, { recursive: true });
    for (const plan of plans) {
        if (!synthetic) options.log(`\n${renderTree(plan.stack, plan.resources)}`);
        options.log(`  ${plan.resources.length} resources in ${(plan.durationMs / 1000).toFixed(1)} s: ${JSON.stringify(countByType(plan.resources))}`);
        if (plan.file.placeholders.length) options.log(`  secret config replaced by offline placeholders: ${plan.file.placeholders.join(", ")}`);
        fs.writeFileSync(path.join(options.outDir, `${plan.stack}.json`), JSON.stringify(planFile(plan), null, 2));
    }
    options.tamper?.(plans);
    if (!plans.some((p) => p.kind === "ops")) {
        options.log("\nNo ops stack in the plan: the isolation proof needs one.");
        return { plans, violations: [] };
    }
    const tenantCount = Object.keys((plans.find((p) => p.kind === "ops")!.outputs.tenants ?? {}) as object).length;
    const result = await proveIsolation(plans, {
        sample: tenantCount > FULL_MATRIX_LIMIT ? NEIGHBOUR_SAMPLE : undefined,
    });
    const reportPath = path.join(options.outDir, "isolation-report.md");
    fs.writeFileSync(reportPath, renderReport(result, plans.map((p) => p.stack)));
    const principals = new Set(result.checks.map((c) => c.principal)).size;
    options.log(
        `\nIsolation: ${result.tenants.length} tenants, ${principals} principals, ${result.checks.length} requests checked, ` +
            `${result.violations.length} violations; plan and proof took ${((performance.now() - started) / 1000).toFixed(1)} s. Report: ${path.relative(process.cwd(), reportPath)}`,
    );
    return { plans, violations: result.violations, reportPath };
}

/** The plan file: what would be created, with every secret masked as `pulumi preview` would. */
function planFile(plan: StackPlan): unknown {
    return {
        stack: plan.stack,
        kind: plan.kind,
        account: plan.account,
        configFile: path.basename(plan.file.file),
        secretPlaceholders: plan.file.placeholders,
        resourceCounts: countByType(plan.resources),
        resources: plan.resources.map((r) => ({ ...r, inputs: maskSecrets(r.inputs) })),
        outputs: Object.fromEntries(Object.entries(plan.outputs).map(([k, v]) => [k, plan.secretOutputNames.includes(k) ? MASK : v])),
    };
}
