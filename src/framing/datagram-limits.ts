// How much one UDP datagram carries: the IP packet's 16-bit length less the headers counted in it (IPv4:
// 20 bytes of IP header and 8 of UDP; IPv6 counts only its 8-byte UDP header there). The kernel refuses
// anything bigger with EMSGSIZE; the server and the load driver check first and say so.

export type IpFamily = 4 | 6;

const MAX_DATAGRAM_PAYLOAD_BYTES: Record<IpFamily, number> = { 4: 65_507, 6: 65_527 };

/** The largest message one datagram carries over `family`. */
export function maxDatagramBytes(family: IpFamily): number {
  return MAX_DATAGRAM_PAYLOAD_BYTES[family];
}

/** Why `sizeBytes` cannot travel as one datagram over `family`, or undefined when it can. */
export function oversizedDatagramReason(sizeBytes: number, family: IpFamily): string | undefined {
  const limit = maxDatagramBytes(family);
  if (sizeBytes <= limit) return undefined;
  const other: IpFamily = family === 4 ? 6 : 4;
  return `one UDP datagram over IPv${family} carries at most ${limit.toLocaleString("en-US")} bytes (over IPv${other}: ${maxDatagramBytes(other).toLocaleString("en-US")})`;
}
