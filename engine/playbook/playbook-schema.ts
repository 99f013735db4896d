// The playbook JSON Schema, made from the keyword table (keywords.ts): one definition per level
// (play, role entry, block, task, handler, include, import_playbook) holding the keywords accepted
// there. The loader and the build's precompiled validators use it; schemas/playbook.schema.json is
// this schema written out for editors (test/unit/playbook/keywords.test.ts keeps them equal;
// `node dist/engine/playbook/playbook-schema.js --write` rewrites it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWORDS, acceptedAt, type JsonSchema, type Level } from './keywords.js';
import { schemasDir } from '../paths.js';

export const PLAYBOOK_SCHEMA_ID = 'https://tsplay.dev/schemas/playbook.schema.json';

/** the definition name of a level's keywords */
export const levelRef = (level: Level): string => `#/definitions/${level === 'import_playbook' ? 'importPlaybook' : level}`;

function properties(level: Level): Record<string, JsonSchema> {
  return Object.fromEntries(acceptedAt(level).map((k) => [k, KEYWORDS[k].schema]));
}

let built: JsonSchema | undefined;

export function playbookSchema(): JsonSchema {
  if (built) return built;
  const keywordsOf = (level: Level, extra: JsonSchema = {}): JsonSchema => ({ type: 'object', additionalProperties: false, properties: properties(level), ...extra });
  built = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: PLAYBOOK_SCHEMA_ID,
    title: 'tsplay playbook',
    description:
      "A list of plays (Ansible playbook format), generated from tsplay's keyword table (engine/playbook/keywords.ts). Tasks are validated further against each module's own schema.",
    type: 'array',
    items: { anyOf: [{ $ref: '#/definitions/play' }, { $ref: '#/definitions/importPlaybook' }] },
    definitions: {
      templated: { type: 'string', pattern: '\\{\\{' },
      boolish: { anyOf: [{ type: 'boolean' }, { $ref: '#/definitions/templated' }] },
      condition: {
        description: 'CEL expression (bare, no braces), a boolean, or a list of them that must all hold',
        anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: ['string', 'boolean'] } }],
      },
      stringList: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      vars: { type: ['object', 'null'] },
      taskList: { type: ['array', 'null'], items: { type: 'object' } },
      play: keywordsOf('play', { required: ['hosts'] }),
      importPlaybook: {
        type: 'object',
        additionalProperties: false,
        properties: { import_playbook: { type: 'string' }, 'ansible.builtin.import_playbook': { type: 'string' }, ...properties('import_playbook') },
        anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }],
      },
      // the keywords of these (a task's module, a role's parameters, an include's file are
      // checked by the loader and the module's or role's own schema)
      role: { type: 'object', properties: properties('role') },
      block: keywordsOf('block'),
      task: { type: 'object', properties: properties('task') },
      handler: { type: 'object', properties: properties('handler') },
      include: { type: 'object', properties: properties('include') },
    },
  };
  return built;
}

/** the levels whose definitions the loader validates with (precompiled at build time) */
export const VALIDATED_LEVELS: Level[] = ['play', 'import_playbook', 'role', 'block', 'task', 'handler', 'include'];

export function schemaText(): string {
  return `${JSON.stringify(playbookSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  const file = join(schemasDir(), 'playbook.schema.json');
  writeFileSync(file, schemaText());
  process.stdout.write(`wrote ${file}\n`);
}
