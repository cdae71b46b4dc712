// The /proc parsers on sample text (a stat line whatever its process is named, limits, status, the
// ephemeral range, the TCP tables, NUL-separated words) and the readers against this very process.

import { createServer } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countFds,
  listeningInodes,
  parseNulSeparated,
  parseOpenFilesLimit,
  parsePortRange,
  parseProcessStat,
  parseResidentBytes,
  readAllProcessStats,
  readFdTargets,
  readProcessStat,
  readResidentBytes,
  readTcpTables,
  readTcpTablesAsync,
} from "../src/platform/proc-files.js";

/** A /proc/PID/stat line as Linux writes it, fields 1 to 20 (the rest are never read). */
function statLine(fields: {
  pid: number;
  name: string;
  state: string;
  parentPid: number;
  groupId: number;
  userTicks: number;
  systemTicks: number;
}): string {
  const { pid, name, state, parentPid, groupId, userTicks, systemTicks } = fields;
  // session tty_nr tpgid flags minflt cminflt majflt cmajflt, then cutime cstime priority nice.
  return `${pid} (${name}) ${state} ${parentPid} ${groupId} 7 0 -1 4194560 120 0 3 0 ${userTicks} ${systemTicks} 4 2 20 0 1\n`;
}

describe("parseProcessStat", () => {
  it("reads a real line", () => {
    expect(
      parseProcessStat(
        "4242 (node) S 4200 4242 4200 34816 4242 4194304 3120 0 0 0 57 12 0 0 20 0 11 0 811 1202233344 14022",
      ),
    ).toEqual({
      pid: 4242,
      name: "node",
      state: "S",
      parentPid: 4200,
      groupId: 4242,
      userTicks: 57,
      systemTicks: 12,
    });
  });

  it("reads every field back whatever the name holds: spaces, parentheses, ') S 1 2 '", () => {
    const name = fc
      .array(fc.constantFrom("a", " ", "(", ")", ") S 1 2 ", "x9", "-"), { maxLength: 12 })
      .map((parts) => parts.join("").slice(0, 64));
    const stat = fc.record({
      pid: fc.integer({ min: 1, max: 4_194_304 }),
      name,
      state: fc.constantFrom("R", "S", "D", "T", "Z"),
      parentPid: fc.integer({ min: 0, max: 4_194_304 }),
      groupId: fc.integer({ min: 0, max: 4_194_304 }),
      userTicks: fc.integer({ min: 0, max: 2 ** 40 }),
      systemTicks: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(stat, (fields) => {
        expect(parseProcessStat(statLine(fields))).toEqual(fields);
      }),
    );
  });

  it("refuses what is no stat line", () => {
    expect(parseProcessStat("")).toBeUndefined();
    expect(parseProcessStat("4242 node S 1 2")).toBeUndefined();
    expect(parseProcessStat("4242 (node) S 1")).toBeUndefined();
  });
});

describe("the other /proc formats", () => {
  it("reads the open-files row of limits, soft and hard", () => {
    const text = [
      "Limit                     Soft Limit           Hard Limit           Units",
      "Max processes             63354                63354                processes",
      "Max open files            1024                 unlimited            files",
    ].join("\n");
    expect(parseOpenFilesLimit(text)).toEqual({ soft: 1024, hard: Number.POSITIVE_INFINITY });
    expect(parseOpenFilesLimit("Max open files  many  more")).toBeUndefined();
  });

  it("reads VmRSS from status, in bytes", () => {
    expect(parseResidentBytes("Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t   51200 kB\n")).toBe(51_200 * 1024);
    expect(parseResidentBytes("Name:\tkthreadd\n")).toBeUndefined();
  });

  it("reads a port range and refuses an impossible one", () => {
    expect(parsePortRange("32768\t60999\n")).toEqual({ low: 32768, high: 60999 });
    expect(parsePortRange("60999 32768")).toBeUndefined();
    expect(parsePortRange("0 100")).toBeUndefined();
  });

  it("finds the inodes listening on a port, any address, IPv4 and IPv6", () => {
    const tcp = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1",
      "   1: 0100007F:9C41 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 222 1",
      "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 333 1",
    ].join("\n");
    const tcp6 = [
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000000000000000000001000000:9C41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1",
    ].join("\n");
    // 0x9C41 = 40001: the established connection (01) is no listener.
    expect(listeningInodes(tcp, 40001)).toEqual(["111"]);
    expect(listeningInodes(tcp6, 40001)).toEqual(["444"]);
    expect(listeningInodes(tcp, 8080)).toEqual(["333"]);
    expect(listeningInodes(tcp, 8081)).toEqual([]);
  });

  it("splits NUL-separated words, leaving out the empty tail", () => {
    expect(parseNulSeparated("python3\0server.py\0\0")).toEqual(["python3", "server.py"]);
    expect(parseNulSeparated("")).toEqual([]);
  });
});

describe("the readers, on this process (Linux)", () => {
  it("read this process's stat, memory and descriptors", () => {
    const own = readProcessStat(process.pid);
    expect(own?.pid).toBe(process.pid);
    expect(own?.parentPid).toBe(process.ppid);
    expect(readAllProcessStats()?.some((stat) => stat.pid === process.pid)).toBe(true);
    expect(readResidentBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    expect(countFds("self")).toBe(countFds(process.pid));
    expect(readProcessStat(4_194_305)).toBeUndefined();
  });

  it("see a listener this process opens, in the tables and among its descriptors", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const inodes = readTcpTables().flatMap((table) => listeningInodes(table, port));
      expect(inodes).toHaveLength(1);
      expect((await readTcpTablesAsync()).flatMap((table) => listeningInodes(table, port))).toEqual(inodes);
      expect(readFdTargets(process.pid)).toContain(`socket:[${inodes[0]}]`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
