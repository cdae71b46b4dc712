// The thread an attack runs in (started by attack-thread.ts): hostile peers get an event loop of their
// own, so that opening a thousand connections never delays the legitimate client, whose latency must
// be the server's alone. It attacks until told to stop, resets its sockets and posts its counts.

import { setMaxListeners } from "node:events";
import { parentPort, workerData } from "node:worker_threads";
import { loadFramingModules } from "../../clients/load/verification/framing-module.js";
import { serializeError } from "../../errors.js";
import { framingFromSpec } from "../../framing/registry.js";
import type { AttackThreadData, AttackThreadMessage } from "./attack-thread.js";
import { ATTACKS } from "./attacks.js";
import { HostilePool, SILENT_PROBE_MS } from "./hostile-pool.js";

const data = workerData as AttackThreadData;
const port = parentPort;
if (!port) throw new Error("attack-worker runs as a worker thread (attack-thread.ts starts it)");

try {
  const attack = ATTACKS.find((candidate) => candidate.name === data.attack);
  if (!attack) throw new Error(`unknown attack ${JSON.stringify(data.attack)}`);
  // A framing module is known in the thread that imported it: this one imports it again, by its path.
  await loadFramingModules(data);
  const framing = framingFromSpec(data.framing);
  const replyFraming = data.replyFraming !== undefined ? framingFromSpec(data.replyFraming) : framing;
  const pool = new HostilePool({ host: data.host, port: data.port, sourceAddresses: data.sourceAddresses });
  // Before the attack, so that no hostile connection is held yet: does the server let these addresses in?
  const silentProbe = await pool.probeSilent(SILENT_PROBE_MS);
  const controller = new AbortController();
  // Every hostile connection waits on the one signal.
  setMaxListeners(0, controller.signal);
  const running = attack.run({
    pool,
    framing,
    replyFraming,
    maxFrameBytes: data.maxFrameBytes,
    connections: data.connections,
    app: data.app,
    signal: controller.signal,
  });

  // The attack's clock starts now, not when the thread was asked for: a thread takes a while to boot.
  port.postMessage({ started: true } satisfies AttackThreadMessage);

  port.once("message", () => {
    controller.abort();
    pool.stop();
    // The attack's own loops end on the abort; the counts are final once they have.
    void running.finally(() => {
      pool.stop();
      port.postMessage({ counts: { ...pool.counts, silentProbe } } satisfies AttackThreadMessage);
      port.close();
    });
  });
} catch (error) {
  // A structured clone would make the error a plain Error: attack-thread.ts rebuilds its class.
  port.postMessage({ failed: serializeError(error) } satisfies AttackThreadMessage);
  port.close();
}
