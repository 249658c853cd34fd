const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `run` with uncaught throws collected instead of failing the test, and returns them (those of the turn after included). */
export async function collectingUncaught(run: () => Promise<void>): Promise<unknown[]> {
    const thrown: unknown[] = [];
    const others = process.listeners("uncaughtException");
    const collect = (err: unknown) => void thrown.push(err);
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", collect);
    try {
        await run();
        await nextTurn();
    } finally {
        process.removeListener("uncaughtException", collect);
        for (const listener of others) process.on("uncaughtException", listener);
    }
    return thrown;
}
