// The Ajv option sets tsplay validates with. One name per set: precompiled validators are keyed
// by it, so the build and the run compile with exactly the same options.
import type { Options } from 'ajv';

export type Variant = 'load' | 'render' | 'inventory' | 'plan';

export const VARIANTS: Record<Variant, { options: Options; formats: boolean }> = {
  // playbooks, module and role parameters as written: templated values are tolerated later
  load: { options: { allErrors: true, strict: false, useDefaults: false, allowUnionTypes: true, coerceTypes: false }, formats: true },
  // rendered parameters: "8080" becomes 8080 where the schema wants an integer, as Ansible's
  // argument_spec converts types
  render: { options: { allErrors: true, strict: false, useDefaults: false, allowUnionTypes: true, coerceTypes: true }, formats: true },
  // schemas/inventory.schema.json
  inventory: { options: { allErrors: true, strict: true, allowUnionTypes: true }, formats: false },
  // schemas/plan.schema.json (a saved plan, as read by tsplay apply / plan show / plan diff)
  plan: { options: { allErrors: true, strict: true, allowUnionTypes: true }, formats: true },
};
