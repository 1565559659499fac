/**
 * Size limits for prose, set from bench/adversarial.mts (CPU time of segmentation, one core of a loaded 2-core AMD
 * EPYC with avx2 and avx512_vnni): ordinary markdown costs 3-7 ms per KB (Node's API docs, Rust's release notes), and
 * markdown built to be slow, at most ~20 ms per KB now that no chunk over the weight limit reaches the parser
 * (core/segment/chunker.ts). Plain text costs well under 0.1 ms per KB. Every step stays under 50 ms either way; these
 * limits bound the total work. Pure.
 */

/**
 * Markdown documents over this many characters are not highlighted live, whatever `live.maxDocumentSize` says: opening
 * one costs up to ~3-7 s of work sliced on the host's thread for ordinary markdown (less for feedback lines, which skip
 * the parser: a 10,000-paragraph feedback document of 620 KB takes well under a second), ~20 s for the slowest shapes.
 * Analyze Sentiment still scores it, with progress and Cancel.
 */
export const MARKDOWN_LIVE_LIMIT = 1_000_000;

/**
 * Analyze Folder skips markdown and plain-text files larger than this many bytes, and names them: ~15 s of sliced
 * segmentation for ordinary markdown here (40 s for the slowest), each file of a folder in turn. Open such a file and
 * run Analyze Sentiment to score it.
 */
export const FOLDER_PROSE_FILE_LIMIT = 2_000_000;
