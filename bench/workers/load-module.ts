/** Worker of the bundle benchmark: imports one module in a fresh process and reports how long that took. */
import { pathToFileURL } from "url";
import { reply } from "../child";

async function main(file: string): Promise<{ importMs: number; exportsHandler: boolean }> {
    const start = performance.now();
    // A real import(): the TypeScript compiler would turn a plain one into require() in this CommonJS file.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const mod = (await new Function("u", "return import(u)")(pathToFileURL(file).href)) as { handler?: unknown };
    return { importMs: performance.now() - start, exportsHandler: typeof mod.handler === "function" };
}

main(process.argv[2]).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
