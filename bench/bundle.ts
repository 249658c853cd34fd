/**
 * 4. The Lambda bundle: size, and cold module load time (import, cold-start
 * configuration and client construction) in fresh processes, against a
 * handler importing only the CloudWatch Logs client bundled the same way,
 * and against the runtime loaded unbundled from node_modules.
 */
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { build, type Metafile } from "esbuild";
import { BENCH_OUT_DIR, compileEntry, PACKAGE_ROOT } from "./compile";
import { runChild } from "./child";
import { median, round } from "./stats";
import { bundleFiles, defaultLambdaBundlePath } from "../components/private-invocation-logging/lambda-bundle";
import { LAMBDA_BUILD_OPTIONS, splitLambdaBuild } from "../scripts/lib/lambda-build-options";
import { TENANT_ENV } from "../testing/runtime-fixtures";

export const BUNDLE_LOAD_TARGET_RATIO = 1.3;

export interface BundleParams {
    /** Fresh processes per module. */
    loads: number;
}

export const FULL_BUNDLE: BundleParams = { loads: 10 };

export interface ModuleLoad {
    file: string;
    /** The entry and the chunks it imports statically: what a cold start reads. */
    rawBytes: number;
    gzipBytes: number;
    /** Every file shipped, chunks loaded on first use (the archive's S3 client) included. */
    shippedBytes?: number;
    medianLoadMs: number;
    loads: number;
}

export interface BundleResult {
    params: BundleParams;
    lambda: ModuleLoad;
    baseline: ModuleLoad;
    unbundled: Omit<ModuleLoad, "rawBytes" | "gzipBytes">;
    /** Lambda bundle load time over the baseline's. */
    loadRatio: number;
    meetsTarget: boolean;
    /** Bytes per npm package (ours under "(ours)") of what a cold start reads, largest first. */
    composition: { package: string; kib: number }[];
}

/** Enough configuration for the handler's cold start, with fake credentials and no reachable endpoint. */
const LOAD_ENV = {
    ...TENANT_ENV,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
};

async function loadTimes(loader: string, file: string, loads: number): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < loads; i++) {
        const { result } = await runChild<{ importMs: number; exportsHandler: boolean }>(loader, { args: [file], env: LOAD_ENV });
        if (!result.exportsHandler) {
            throw new Error(`${file} does not export a handler function`);
        }
        times.push(result.importMs);
    }
    return round(median(times), 1);
}

function sizes(entry: string): { rawBytes: number; gzipBytes: number; shippedBytes: number } {
    const files = bundleFiles(entry);
    const read = files.startup.map((f) => fs.readFileSync(f));
    const bytes = (list: Buffer[]) => list.reduce((n, b) => n + b.length, 0);
    return {
        rawBytes: bytes(read),
        gzipBytes: bytes(read.map((b) => gzipSync(b, { level: 9 }))),
        shippedBytes: bytes(files.all.map((f) => fs.readFileSync(f))),
    };
}

/** Bytes per package in the metafile's outputs (those of `outputs` only, paths relative to the package root, when given). */
export function composition(metafile: Metafile, outputs?: readonly string[]): { package: string; kib: number }[] {
    const totals = new Map<string, number>();
    for (const [file, output] of Object.entries(metafile.outputs)) {
        if (outputs && !outputs.includes(file)) continue;
        for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
            const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? "(ours)";
            totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
        }
    }
    return [...totals].sort((a, b) => b[1] - a[1]).map(([pkg, bytes]) => ({ package: pkg, kib: round(bytes / 1024, 1) }));
}

export async function benchBundle(params: BundleParams = FULL_BUNDLE): Promise<BundleResult> {
    const lambdaFile = defaultLambdaBundlePath();
    if (!fs.existsSync(lambdaFile)) {
        throw new Error(`${lambdaFile} is missing: run npm run build:lambda first`);
    }
    const baselineFile = path.join(BENCH_OUT_DIR, "baseline", "index.mjs");
    fs.rmSync(path.dirname(baselineFile), { recursive: true, force: true });
    await build(splitLambdaBuild(path.join(PACKAGE_ROOT, "bench/fixtures/baseline-handler.ts"), baselineFile));
    const unbundledFile = path.join(BENCH_OUT_DIR, "unbundled", "index.mjs");
    await build({ ...LAMBDA_BUILD_OPTIONS, minify: false, packages: "external", banner: {}, entryPoints: [path.join(PACKAGE_ROOT, "runtime/lambda/index.ts")], outfile: unbundledFile });
    const loader = compileEntry("bench/workers/load-module.ts");

    const lambda = { file: path.relative(PACKAGE_ROOT, lambdaFile), ...sizes(lambdaFile), loads: params.loads, medianLoadMs: await loadTimes(loader, lambdaFile, params.loads) };
    const baseline = { file: "baseline: @aws-sdk/client-cloudwatch-logs only", ...sizes(baselineFile), loads: params.loads, medianLoadMs: await loadTimes(loader, baselineFile, params.loads) };
    const unbundled = { file: "runtime from node_modules (compiled, unbundled)", loads: params.loads, medianLoadMs: await loadTimes(loader, unbundledFile, params.loads) };
    const metafile = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "dist", "lambda-bundle.meta.json"), "utf8")) as Metafile;
    const loadRatio = round(lambda.medianLoadMs / baseline.medianLoadMs, 2);
    return { params, lambda, baseline, unbundled, loadRatio, meetsTarget: loadRatio <= BUNDLE_LOAD_TARGET_RATIO, composition: composition(metafile, bundleFiles(lambdaFile).startup.map((f) => path.relative(PACKAGE_ROOT, f))).slice(0, 10) };
}
