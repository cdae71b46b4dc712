// Stopping processes the polite way first: SIGTERM, time to close listeners and flush output, then
// SIGKILL for whatever still runs once the grace period is over.

/** How often, during the grace period, whether they still run is looked at. */
const POLL_MS = 20;

/**
 * Sends SIGTERM through `signal`, waits until `running()` turns false or `graceMs` has passed, then
 * sends SIGKILL (a no-op for processes already gone).
 */
export async function stopGracefully(
  signal: (name: NodeJS.Signals) => void,
  running: () => boolean,
  graceMs: number,
): Promise<void> {
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && running()) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  signal("SIGKILL");
}
