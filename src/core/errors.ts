/** Errors every layer uses. Pure. */

/** An error that names the file at fault, so messages read "config.json: ..." wherever they surface. */
export class ModelError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "ModelError";
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
