// Servers written the way a student of the socket lab would write them (Python, and one in C), saved to
// a temporary folder so that tests can hand `sockbench --server` a real command line. Each takes its
// port as its first argument.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Exercise 5, done right: messages end with <EOF>, bytes are gathered until the token shows up, and a
 * client that resets ends only its own connection.
 */
export const EOF_ECHO_SERVER = `import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
EOF_TOKEN = b"<EOF>"

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    print(f"Listening on {HOST}:{PORT}")
    while True:
        conn, addr = s.accept()
        with conn:
            print(f"Connected by {addr}")
            buffer = b""
            try:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    buffer += data
                    while EOF_TOKEN in buffer:
                        message, buffer = buffer.split(EOF_TOKEN, 1)
                        conn.sendall(message + EOF_TOKEN)
            except OSError as error:
                print(f"{addr} dropped: {error}")
`;

/** Exercise 5 with the classic bug: the token is looked for only in the latest recv() chunk. */
export const BUGGY_EOF_ECHO_SERVER = `import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
EOF_TOKEN = b"<EOF>"

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    print(f"Listening on {HOST}:{PORT}")
    while True:
        conn, addr = s.accept()
        with conn:
            print(f"Connected by {addr}")
            message = b""
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                message += data
                if EOF_TOKEN in data:
                    *complete, message = message.split(EOF_TOKEN)
                    for body in complete:
                        print(f"echoing {len(body)} bytes")
                        conn.sendall(body + EOF_TOKEN)
`;

/** The lab's hello-world server as the handout gives it (test/fixtures/lab, one client, then it exits), port from argv. */
export const LAB_HELLO_SERVER = withPortFromArgv(
  readFileSync(new URL("../fixtures/lab/hello_server.py", import.meta.url), "utf8"),
);

function withPortFromArgv(source: string): string {
  const fixedPort = "PORT = 65432 # Port to listen on";
  if (!source.includes(fixedPort)) throw new Error(`the lab's hello server no longer says "${fixedPort}"`);
  return source
    .replace("import socket\n", "import socket\nimport sys\n")
    .replace(fixedPort, "PORT = int(sys.argv[1]) # Port to listen on");
}

/**
 * Exercises 3 and 4: keeps running, one client at a time, replies with the sum of the numbers it read; a
 * client that resets ends only its own connection.
 */
export const SEQUENTIAL_SUM_SERVER = `import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    while True:
        conn, addr = s.accept()
        with conn:
            print(f"Connected by {addr}")
            try:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    numbers = data.decode().split()
                    total = sum(int(number) for number in numbers)
                    conn.sendall(str(total).encode())
            except OSError as error:
                print(f"{addr} dropped: {error}")
`;

/**
 * A length-prefixed echo server in C: a 4-byte big-endian length, then the payload. One client at a
 * time; a frame above 64 KiB is refused by closing the connection (its max frame, by design); replies
 * are sent with MSG_NOSIGNAL, so a client gone mid-reply ends only its connection (not the server, by SIGPIPE).
 */
export const C_LENGTH_ECHO_SERVER = `#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME (64 * 1024)

static int read_all(int fd, unsigned char *buffer, size_t count) {
  size_t done = 0;
  while (done < count) {
    ssize_t got = recv(fd, buffer + done, count - done, 0);
    if (got <= 0) return -1;
    done += (size_t)got;
  }
  return 0;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 65432;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0) {
    perror("bind/listen");
    return 1;
  }
  static unsigned char payload[MAX_FRAME];
  for (;;) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) continue;
    unsigned char header[4];
    while (read_all(client, header, 4) == 0) {
      uint32_t length = ((uint32_t)header[0] << 24) | ((uint32_t)header[1] << 16) | ((uint32_t)header[2] << 8) | header[3];
      if (length > MAX_FRAME) {
        fprintf(stderr, "refusing a frame of %u bytes (max %d)\\n", length, MAX_FRAME);
        break;
      }
      if (read_all(client, payload, length) != 0) break;
      if (send(client, header, 4, MSG_NOSIGNAL) != 4 || send(client, payload, length, MSG_NOSIGNAL) != (ssize_t)length) break;
    }
    close(client);
  }
}
`;

/**
 * A one-thread selector server, length-prefixed echo, that trusts a frame's length prefix: stress's
 * oversized frames crash it with a traceback. Its first line has characters HTML must escape.
 */
export const CRASHING_LENGTH_SERVER = `import selectors, socket, struct, sys
selector = selectors.DefaultSelector()
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
server.setblocking(False)
selector.register(server, selectors.EVENT_READ)
buffers = {}
print("serving <all> & sundry", flush=True)
while True:
    for key, _ in selector.select():
        if key.fileobj is server:
            client, _ = server.accept()
            client.setblocking(False)
            selector.register(client, selectors.EVENT_READ)
            buffers[client] = b""
            continue
        client = key.fileobj
        try:
            data = client.recv(65536)
        except ConnectionError:
            data = b""
        if not data:
            selector.unregister(client)
            client.close()
            del buffers[client]
            continue
        buffered = buffers[client] + data
        while len(buffered) >= 4:
            length = struct.unpack(">I", buffered[:4])[0]
            if length > 1 << 20:
                raise ValueError(f"a frame of {length} bytes announced, more than 1 MiB")
            if len(buffered) < 4 + length:
                break
            client.sendall(buffered[: 4 + length])
            buffered = buffered[4 + length :]
        buffers[client] = buffered
`;

export interface StudentFolder {
  readonly path: string;
  /** Writes `source` as `name` and returns its path. */
  write(name: string, source: string): string;
  /** Compiles C `source` with cc and returns the program's path. */
  compile(name: string, source: string): string;
  remove(): void;
}

export function studentFolder(): StudentFolder {
  const path = mkdtempSync(join(tmpdir(), "sockbench-student-"));
  const write = (name: string, source: string) => {
    const file = join(path, name);
    writeFileSync(file, source);
    return file;
  };
  return {
    path,
    write,
    compile(name, source) {
      const sourceFile = write(`${name}.c`, source);
      const program = join(path, name);
      execFileSync("cc", ["-O2", "-o", program, sourceFile]);
      return program;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * The Python interpreter itself, not a version manager's shim in front of it (a pyenv shim is a shell
 * script that costs hundreds of milliseconds a start on a loaded machine, and servers start per cell).
 */
export const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], {
  encoding: "utf8",
}).trim();
