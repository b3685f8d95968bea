/** A value or a list of field errors; used wherever user or admin input is checked. */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `account.gateways[1]`. */
  field: string;
  /** i18n key of the message (see renderer/src/i18n), with English fallback in `message`. */
  code: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function fieldError(field: string, code: string, message: string): FieldError {
  return { field, code, message };
}

export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
