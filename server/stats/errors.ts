/**
 * A request parameter the Stats API cannot use. The route answers 400 with the message, which
 * names the parameter and what is allowed and never echoes more than a short excerpt of input.
 *
 * @example
 * throw new ParamError('period', `must be one of ${PERIODS.join(', ')}`)
 */
export class ParamError extends Error {
  constructor(
    readonly param: string,
    detail: string,
  ) {
    super(`${param}: ${detail}`)
    this.name = 'ParamError'
  }
}

/** A short, single-line excerpt of user input for an error message. */
export function excerpt(value: string, max = 40): string {
  const flat = value.replace(/[\r\n\t]/g, ' ')
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat)
}
