// The names of the ways check and bench cut a byte stream, as their results carry them (what each does
// is src/suites/fragmentations.ts).

export const FRAGMENTATION_NAMES = ["none", "slices-1", "slices-1-7", "coalesced", "split"] as const;
export type FragmentationName = (typeof FRAGMENTATION_NAMES)[number];
