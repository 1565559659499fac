/**
 * The extension host's event loop, as the sliced loops on it see it: one budget per turn for all of them (results'
 * bookkeeping, the panel's feed), so that loops run one after another in the same turn do not hold it for a budget
 * each. One per thread, like the loop it measures.
 */
import { turnClock } from "../core/slices";

/** A Pause drawing on the host's per-turn budget; with `alive`, it rejects (SupersededError) once the work is unwanted. */
export const hostPause = turnClock(() => new Promise((resolve) => setImmediate(resolve)));
