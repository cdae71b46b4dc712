// The u16 server, run as a user would (`check --server "python3 ..."`): a server that reads a
// 2-byte big-endian prefix echoes a 4-byte one back byte for byte below 64 KiB (the header's high half,
// 00 00, is an empty u16 frame), so only a 64 KiB message shows the mismatch, as a stall. It fails
// `check --framing length` there (quickly under a short --timeout) and passes with --length-bytes 2.

import { afterAll, describe, expect, it } from "vitest";
import { checkJson, verdicts } from "./support/check-json.js";
import { runCli } from "./support/cli-process.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

/** Echoes frames with a 2-byte big-endian length prefix, one thread per connection. */
const U16_ECHO_SERVER = `import socket
import struct
import sys
import threading

HOST = "127.0.0.1"
PORT = int(sys.argv[1])


def recv_exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve(conn):
    with conn:
        while True:
            header = recv_exactly(conn, 2)
            if header is None:
                return
            (size,) = struct.unpack(">H", header)
            payload = recv_exactly(conn, size)
            if payload is None:
                return
            conn.sendall(header + payload)


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    print(f"Listening on {HOST}:{PORT}", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
`;

const folder = studentFolder();
afterAll(() => folder.remove());
const server = `${PYTHON} ${folder.write("u16_echo.py", U16_ECHO_SERVER)} {port}`;

async function check(args: string[]): Promise<{ code: number | null; verdicts: Record<string, string> }> {
  const { code, result } = await checkJson([
    "--server",
    server,
    "--framing",
    "length",
    ...args,
    "--no-probes",
  ]);
  return { code, verdicts: verdicts(result) };
}

describe("a server with a u16 length prefix", { timeout: 120_000 }, () => {
  it("fails check --framing length (u32) at 64 KiB, the first size whose prefix has a high half", async () => {
    const { code, verdicts } = await check([
      "--sizes",
      "1,1024,65536",
      "--fragmentations",
      "none",
      "--timeout",
      "1000ms",
      "--no-shrink",
    ]);
    expect(verdicts).toEqual({ "1 none": "pass", "1024 none": "pass", "65536 none": "fail timeout" });
    expect(code).toBe(1);
  });

  it("passes check --framing length --length-bytes 2 at the default sizes (64 KiB left out), and up to 65535 bytes", async () => {
    const defaults = await check(["--length-bytes", "2", "--fragmentations", "none,split"]);
    expect(defaults.verdicts).toEqual({
      "0 none": "pass",
      "0 split": "pass",
      "1 none": "pass",
      "1 split": "pass",
      "1023 none": "pass",
      "1023 split": "pass",
      "1024 none": "pass",
      "1024 split": "pass",
      "1025 none": "pass",
      "1025 split": "pass",
    });
    expect(defaults.code).toBe(0);
    const largest = await check(["--length-bytes", "2", "--sizes", "65535", "--fragmentations", "none"]);
    expect(largest.verdicts).toEqual({ "65535 none": "pass" });
    expect(largest.code).toBe(0);
    const tooLarge = await runCli([
      "check",
      "--server",
      server,
      "--framing",
      "length",
      "--length-bytes",
      "2",
      "--sizes",
      "65536",
    ]);
    expect(tooLarge.stderr).toContain("size 65536 does not fit the 2-byte length prefix (65535 bytes)");
    expect(tooLarge.code).toBe(2);
  });
});
