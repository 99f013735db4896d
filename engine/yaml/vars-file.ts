// A vars file (group_vars/host_vars entries, vars_files, role defaults and vars): a mapping of
// variable names to values, or nothing. Read through the one YAML reader, so its values keep
// their positions in `positions`.
import { InputError } from '../errors.js';
import type { SecretInputs } from '../secrets/inputs.js';
import { loadYamlFile, SourceMap } from './source.js';

export async function loadVarsFile(file: string, positions = new SourceMap(), secrets?: SecretInputs): Promise<Record<string, unknown>> {
  const { data } = await loadYamlFile(file, positions, secrets);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('a vars file must be a mapping of variable names to values', positions.pos(data) ?? { file, line: 1, col: 1 });
  }
  return data as Record<string, unknown>;
}
