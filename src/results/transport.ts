// The transports sockbench speaks, one list for the servers that serve them and the load that drives them
// (and the results that name them).

/**
 * tcp: messages cut by a framing; http: each message a POST body (HTTP/1.1, pipelined on keep-alive
 * connections), its reply the response body; udp: each message one datagram, its reply one datagram back,
 * matched by the echo header, not by order.
 */
export const TRANSPORTS = ["tcp", "http", "udp"] as const;
export type Transport = (typeof TRANSPORTS)[number];
