/**
 * How every bench tool runs its `main`: an error is printed and the process exits 1. On success it exits at once,
 * with `process.exitCode` (0 unless the tool set it), because a finished run can still hold handles that would keep
 * Node alive (gRPC channels, the contexts of workflows created outside a worker).
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
