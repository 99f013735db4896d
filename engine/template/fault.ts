// A fault raised while a template runs (undefined variable, bad helper argument).
// It carries the position inside the template; the Templater turns it into a TemplateError
// with the caller's file:line:col.

export interface TemplatePos {
  line: number; // 1-based, within the template text
  col: number; // 1-based
}

export class TemplateFault extends Error {
  constructor(
    message: string,
    readonly pos?: TemplatePos,
  ) {
    super(message);
    this.name = 'TemplateFault';
  }
}

/** Handlebars source locations have 1-based lines and 0-based columns. */
export function posFromLoc(loc: unknown): TemplatePos | undefined {
  const start = (loc as { start?: { line?: unknown; column?: unknown } } | undefined)?.start;
  if (!start || typeof start.line !== 'number' || typeof start.column !== 'number') return undefined;
  return { line: start.line, col: start.column + 1 };
}
