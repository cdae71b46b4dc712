import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Workers, cluster workers and server processes run dist/: rebuild it first when a source is newer.
    globalSetup: ["test/support/fresh-build.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Three files at a time on two cores: many files mostly wait (stress attacks, check timeouts, servers
    // starting), and a third one fills the CPU they leave idle. On 12 of the slowest files: 166 to 176 s
    // with three, 275 s with two, the same CPU (a shared machine, load average 11 to 17).
    maxWorkers: 3,
  },
});
