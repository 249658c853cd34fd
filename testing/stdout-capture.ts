/**
 * Runs `fn` while collecting what is written to stdout (the Lambda's records),
 * as Lambda's log delivery reads it: the text joined, then cut into its
 * non-empty lines, whatever the chunks were.
 */
export async function capturingStdout<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
    const chunks: string[] = [];
    // Put back as it was afterwards; it is never called detached.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
        chunks.push(String(chunk));
        (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
        return true;
    });
    try {
        return { value: await fn(), lines: chunks.join("").split("\n").filter(Boolean) };
    } finally {
        process.stdout.write = write;
    }
}
