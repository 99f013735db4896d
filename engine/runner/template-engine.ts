// What the runner needs from the template subsystem (engine/template implements it).
import type { ErrorWhere } from '../errors.js';

export interface TemplateEngine {
  renderDeep<T>(value: T, vars: Record<string, unknown>, where?: ErrorWhere): T;
  renderText(text: string, vars: Record<string, unknown>, where?: ErrorWhere): string;
  evalCondition(expr: unknown, vars: Record<string, unknown>, where?: ErrorWhere): boolean;
  /** syntax checks before any host is contacted */
  checkTemplates(value: unknown, where?: ErrorWhere | ((path: ReadonlyArray<string | number>) => ErrorWhere | undefined)): void;
  checkCondition(expr: unknown, where?: ErrorWhere): void;
  /** a template file's text parses (where names the file; an error adds its line and column) */
  checkText(text: string, where: ErrorWhere & { file: string }): void;
}
